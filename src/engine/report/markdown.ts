import { BELOW_ZERO_NOTE, explainedNote, ORDERS_NOTE } from '../../protocol/format';
import { LINEAR_START_NOTE, linearStartNote } from '../../protocol/training-note';
import type { Report, SimilarityMatrix } from '../../protocol/report';
import { uncertaintyNote } from '../../protocol/uncertainty';
import { markdownLinkPart, markdownText as md } from './escape';
import { describeInput, probeSize } from '../../protocol/probe-input';
import { fmt, seconds, splitSummary } from './format';
import { MATRIX_LABELS, maxOrder, pairCells, pairHeader, pairRow } from './pairs';

/**
 * The Markdown report (for VS Code's preview, pull requests, notebooks). `heatmapPng` is the file name of the
 * heatmap image written beside the Markdown file (see renderHeatmapPng); the numbers are also in a table.
 * Every text from the report (layer and model names, paths, warnings: model files and saved reports are untrusted)
 * goes through `md`, so that it shows as text and never makes a link, an image, HTML or a heading.
 */
export function renderMarkdown(report: Report, options: { heatmapPng?: string; heatmapMeasure?: string } = {}): string {
  const out: string[] = [];
  const title = report.models ? `${report.models.a.name} vs ${report.models.b.name}` : 'feature comparison';
  out.push(`# Knowledge consistency: ${md(title)}`, '');
  out.push(
    md(`${report.tool.name} ${report.tool.version} · ${report.createdAt} · method of Liang et al., ICLR 2020`),
    '',
  );
  const warnings = [...new Set([...(report.probe.warning ? [report.probe.warning] : []), ...report.warnings])];
  for (const w of warnings) out.push(`> **Warning:** ${md(w)}`, '');

  out.push('## Knowledge consistency per layer pair', '');
  if (report.pairs.length > 0) {
    out.push(
      `Held-out fractions of Var(x_B); **explained** = 1 − Var(ε)/Var(x_B) is the headline, and explained + ε = 1. Orders (order 0 = linearly shared): ${md(ORDERS_NOTE)}.`,
      '',
    );
    const k = maxOrder(report);
    out.push(
      table(
        pairHeader(k).map(md),
        report.pairs.map((p) =>
          pairCells(
            pairRow(p, k, report.models ? { a: report.models.a.name, b: report.models.b.name } : undefined),
          ).map(md),
        ),
        2,
      ),
      '',
    );
    out.push('\\* CKA and ridge are similarity, not knowledge consistency. Epochs marked * stopped early.', '');
    const uncertainty = uncertaintyNote(report.pairs);
    if (uncertainty) out.push(`${md(uncertainty)}.`, '');
    if (report.pairs.some((p) => explainedNote(p.explained))) out.push(`† ${md(BELOW_ZERO_NOTE)}.`, '');
    if (report.pairs.some((p) => linearStartNote(p))) out.push(`‡ ${md(LINEAR_START_NOTE)}.`, '');
  } else {
    out.push('No pairs were disentangled.', '');
  }

  if (report.matrix) {
    out.push('## All-pairs similarity matrix (similarity, not consistency)', '');
    const label = MATRIX_LABELS[options.heatmapMeasure ?? 'linearCKA'] ?? options.heatmapMeasure;
    if (options.heatmapPng)
      out.push(`![${md(label)} heatmap, rows A, columns B](${markdownLinkPart(options.heatmapPng)})`, '');
    for (const key of Object.keys(report.matrix.measures)) out.push(matrixTable(report.matrix, key), '');
  }

  out.push('## Setup', '');
  const s = report.settings;
  const p = report.probe;
  const b = report.backend;
  const t = report.timings ?? {};
  const facts: Array<[string, string]> = [
    ...(report.models
      ? ([
          ['model A', `${report.models.a.name} (${report.models.a.format}, ${report.models.a.path})`],
          ['model B', `${report.models.b.name} (${report.models.b.format}, ${report.models.b.path})`],
        ] as Array<[string, string]>)
      : []),
    ['probe', `${p.source}, ${probeSize(p)} (${splitSummary(p)})`],
    ['preprocessing', p.preprocessing ?? '–'],
    ...(p.inputs ?? []).map((input): [string, string] => [`input ${input.model}`, describeInput(input)]),
    [
      'disentangler',
      `K = ${s.orders}, α = ${s.alpha}, ${s.normalize} normalisation, ${s.kernel}×${s.kernel} kernel, preset ${s.preset}, ≤ ${s.epochs} epochs, seed ${s.seed}, seeds ${s.seeds}`,
    ],
    ['backend', `${b.name} ${b.version} (${b.device}, ${b.threads} threads)`],
    [
      'time',
      `load ${seconds(t.loadSeconds)}, extract ${seconds(t.extractSeconds)}, similarity ${seconds(t.similaritySeconds)}, disentangle ${seconds(t.disentangleSeconds)}, total ${seconds(t.totalSeconds)}`,
    ],
  ];
  out.push(
    table(
      ['', ''],
      facts.map(([k, v]) => [`**${md(k)}**`, md(v)]),
      2,
    ),
    '',
  );
  return out.join('\n');
}

function matrixTable(m: SimilarityMatrix, key: string): string {
  const values = m.measures[key];
  const rows = m.layersA.map((a, i) => [md(a), ...m.layersB.map((_, j) => fmt(values[i * m.layersB.length + j], 2))]);
  return `**${md(MATRIX_LABELS[key] ?? key)}** (rows A, columns B)\n\n${table([md('A \\ B'), ...m.layersB.map(md)], rows, 1)}`;
}

/** A GitHub-flavoured table of Markdown cells (text escaped by the caller); columns from `firstNumeric` on are right-aligned. */
function table(header: string[], rows: string[][], firstNumeric: number): string {
  const align = header.map((_, i) => (i >= firstNumeric ? '---:' : '---'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
