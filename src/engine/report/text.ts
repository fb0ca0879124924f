import type { Report, SimilarityMatrix } from '../../protocol/report';
import { colorAt } from '../../protocol/colors';
import { BELOW_ZERO_NOTE, explainedNote } from '../../protocol/format';
import { LINEAR_START_NOTE, linearStartNote } from '../../protocol/training-note';
import { describeInput, probeSize } from '../../protocol/probe-input';
import { uncertaintyNote } from '../../protocol/uncertainty';
import { terminalText as term } from './escape';
import { explainsText, fmt, seconds, shortNames, splitSummary, textTable } from './format';
import { headlineMeasure, MATRIX_LABELS, maxOrder, pairCells, pairHeader, pairRow } from './pairs';

/**
 * The terminal summary of a report: one row per disentangled pair and direction, then the similarity matrix as a
 * compact heatmap. `color` draws cells with 24-bit ANSI backgrounds (TTY); otherwise shade glyphs stand in. Text from
 * the report (names, paths, warnings) goes through `term`: a model file must not move the cursor, clear the screen or
 * print a hyperlink in the user's terminal.
 */
export function renderSummary(report: Report, options: { color?: boolean } = {}): string {
  const k = maxOrder(report);
  const out: string[] = [];
  if (report.models)
    out.push(
      term(`A: ${report.models.a.name} (${report.models.a.path})`),
      term(`B: ${report.models.b.name} (${report.models.b.path})`),
    );
  out.push(term(`probe: ${report.probe.source}, ${probeSize(report.probe)} (${splitSummary(report.probe)})`));
  for (const input of report.probe.inputs ?? []) out.push(term(`  input ${describeInput(input)}`));
  const s = report.settings;
  out.push(
    term(
      `disentangler: K=${s.orders}, α=${s.alpha}, ${s.normalize} normalisation, ${s.kernel}×${s.kernel} kernel, preset ${s.preset}; backend ${report.backend.name} ${report.backend.version}`,
    ),
  );
  out.push('');
  const short = shortNames([
    ...report.pairs.flatMap((p) => [p.layerA, p.layerB]),
    ...(report.matrix?.layersA ?? []),
    ...(report.matrix?.layersB ?? []),
  ]);
  if (short.prefix) out.push(term(`layer names below omit their common prefix "${short.prefix}"`));
  if (report.pairs.length > 0) {
    out.push('Knowledge consistency (held-out fractions of Var(x_B); explained = 1 − ε):');
    const rows = report.pairs.map((p) =>
      pairCells(
        pairRow({ ...p, layerA: short.name(p.layerA), layerB: short.name(p.layerB) }, k, modelNames(report)),
      ).map(term),
    );
    out.push(textTable(pairHeader(k), rows, 2));
    out.push(term(meanLine(report)));
    out.push('* CKA and ridge measure similarity, not knowledge consistency; epochs* = stopped early.');
    const uncertainty = uncertaintyNote(report.pairs);
    if (uncertainty) out.push(`${uncertainty}.`);
    if (report.pairs.some((p) => explainedNote(p.explained))) out.push(`† ${BELOW_ZERO_NOTE}.`);
    if (report.pairs.some((p) => linearStartNote(p))) out.push(`‡ ${LINEAR_START_NOTE}.`);
  } else {
    out.push('No pairs were disentangled.');
  }
  for (const p of report.skipped ?? [])
    out.push(term(`skipped: ${p.layerA} ↔ ${p.layerB} ${p.direction}: ${p.reason}`));
  if (report.matrix) {
    // Every measure of the matrix (CKA, and the ridge bounds with --all-pairs), CKA first.
    const m = {
      ...report.matrix,
      layersA: report.matrix.layersA.map(short.name),
      layersB: report.matrix.layersB.map(short.name),
    };
    const first = headlineMeasure(m.measures);
    const measures = [...new Set([...(first ? [first] : []), ...Object.keys(m.measures)])];
    for (const measure of measures) out.push('', renderMatrix(m, measure, options.color ?? false));
  }
  if (report.timings) {
    const t = report.timings;
    out.push(
      '',
      `time: load ${seconds(t.loadSeconds)}, extract ${seconds(t.extractSeconds)}, similarity ${seconds(t.similaritySeconds)}, disentangle ${seconds(t.disentangleSeconds)}, total ${seconds(t.totalSeconds)}`,
    );
  }
  for (const w of report.warnings) out.push(term(`warning: ${w}`));
  return out.join('\n');
}

/** Mean explained fraction per direction over the disentangled pairs: the one-glance answer. */
function meanLine(report: Report): string {
  const parts = (['A->B', 'B->A'] as const).flatMap((d) => {
    const xs = report.pairs.filter((p) => p.direction === d).map((p) => p.explained);
    return xs.length
      ? [`${explainsText(d, modelNames(report))} ${fmt(xs.reduce((a, b) => a + b, 0) / xs.length)}`]
      : [];
  });
  const n = new Set(report.pairs.map((p) => `${p.layerA}\u0000${p.layerB}`)).size;
  return `mean explained over ${n} layer pair${n === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** The models' names for directions ("seed1 explains seed2"); A and B when the report has none. */
function modelNames(report: Report): { a: string; b: string } {
  return { a: report.models?.a.name ?? 'A', b: report.models?.b.name ?? 'B' };
}

/** Column labels wider than this are replaced by numbers, with a key under the grid. */
const MAX_COLUMN_LABEL = 8;
const SHADES = [' ', '░', '▒', '▓', '█'];

/** One measure of the matrix as rows of A × columns of B, each cell its value over a colour (or shade). */
export function renderMatrix(matrix: SimilarityMatrix, measure: string, color: boolean): string {
  const values = matrix.measures[measure];
  if (!values) return '';
  // Escaped one for one (same lengths), so the grid's padding holds.
  const layersA = matrix.layersA.map(term),
    layersB = matrix.layersB.map(term);
  const numbered = layersB.some((n) => n.length > MAX_COLUMN_LABEL);
  const labels = layersB.map((n, j) => (numbered ? `#${j + 1}` : n));
  const rowW = Math.max(...layersA.map((n) => n.length), 3);
  const colW = Math.max(6, ...labels.map((n) => n.length + 1));
  const lines = [term(`${MATRIX_LABELS[measure] ?? measure} (similarity, not consistency): rows A, columns B`)];
  lines.push(`${''.padEnd(rowW)}  ${labels.map((n) => n.padStart(colW)).join(' ')}`);
  layersA.forEach((name, i) => {
    const cells = layersB.map((_, j) => {
      const v = values[i * matrix.layersB.length + j];
      const text = fmt(v, 2).padStart(colW - 1);
      if (v === null || !Number.isFinite(v)) return ` ${text}`;
      const x = Math.min(Math.max(v, 0), 1);
      if (!color) return `${SHADES[Math.min(SHADES.length - 1, Math.floor(x * SHADES.length))]}${text}`;
      const [r, g, b] = colorAt(x);
      const fg = r * 0.299 + g * 0.587 + b * 0.114 > 140 ? '30' : '97';
      return `\x1b[48;2;${r};${g};${b}m\x1b[${fg}m ${text}\x1b[0m`;
    });
    lines.push(`${name.padEnd(rowW)}  ${cells.join(' ')}`);
  });
  if (numbered) lines.push(`columns: ${layersB.map((n, j) => `#${j + 1} ${n}`).join(', ')}`);
  return lines.join('\n');
}
