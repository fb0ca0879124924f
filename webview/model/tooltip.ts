/** The text of a heatmap cell's tooltip: every number we have for the pair, the measure shown first. Pure. */
import { arrowText, explainedNote, fmt, MISSING, num, spread } from '../../src/protocol/format';
import { SCALE_WARNING_RATIO, shapeRatio } from '../../src/protocol/pairing';
import { intervalText, shownCka } from '../../src/protocol/uncertainty';
import { CellState, type HeatmapModel } from './heatmap';
import { ckaKey, ckaName, directedKey, orderFraction, type ReportLike } from './measures';

/** First line: the pair; second: the measure shown; then the rest. `running`: the analysis is still running. */
export function describeCell(
  m: HeatmapModel,
  report: ReportLike,
  running: boolean,
  row: number,
  col: number,
): string[] {
  const at = row * m.cols.length + col;
  const a = m.rows[row];
  const b = m.cols[col];
  const names = { a: report.models?.a.name ?? 'A', b: report.models?.b.name ?? 'B' };
  const lines = [`${a} (${names.a}) × ${b} (${names.b}), ${arrowText(m.direction, names)}`];
  const state = m.states[at];
  // One unit everywhere: fractions of 0–1, as the cells and the JSON show them.
  const shown = fmt(m.values[at]);
  lines.push(
    `${m.measure.label}: ${state === CellState.Empty ? 'not computed' : shown}${state === CellState.Provisional ? boundNote(running) : ''}`,
  );
  const pi = m.pairIndex[at];
  if (pi >= 0) {
    const p = report.pairs[pi];
    const s = p.similarity;
    const cka = shownCka(s);
    const similar = [
      `${cka.label} ${num(cka.value)}${intervalText(cka.interval)}`,
      s.ridgeExplained !== undefined ? `ridge ${fmt(s.ridgeExplained)}` : '',
      s.svcca !== undefined ? `SVCCA ${num(s.svcca)}` : '',
      s.pwcca !== undefined ? `PWCCA ${num(s.pwcca)}` : '',
      s.procrustes !== undefined ? `Procrustes ${num(s.procrustes)}` : '',
    ];
    lines.push(
      `explained: ${fmt(p.explained)}${spread(p.spread?.explained)}${intervalText(p.explainedInterval)}${explainedNote(p.explained) ? ` — ${explainedNote(p.explained)}` : ''}`,
      `inconsistent ε: ${fmt(p.inconsistent.fraction)}${spread(p.spread?.inconsistent)} (explained + ε = 1)`,
      `orders, each alone (they overlap): ${p.orders.map((o) => `${o.order}: ${fmt(orderFraction(p, o.order))}${spread(p.spread?.orders[o.order])}`).join(' · ')}`,
      `similarity: ${similar.filter(Boolean).join(' · ')}`,
      `gates: ${p.training.gates.map((g) => g.toFixed(2)).join(', ') || MISSING} · ${p.training.epochs} epochs`,
    );
    if (p.shapeA && p.shapeB)
      lines.push(`shapes: A ${p.shapeA.join('×')} · B ${p.shapeB.join('×')}${p.resampled ? ` (${p.resampled})` : ''}`);
    const ratio = shapeRatio(p.shapeA, p.shapeB);
    if (ratio !== undefined && ratio > SCALE_WARNING_RATIO)
      lines.push(`⚠ spatial sizes ${ratio.toFixed(1)}× apart: the two layers look at different scales`);
  } else {
    const mat = report.matrix;
    const i = mat?.layersA.indexOf(a) ?? -1;
    const j = mat?.layersB.indexOf(b) ?? -1;
    if (mat && i >= 0 && j >= 0) {
      const v = (k: string) => mat.measures[k]?.[i * mat.layersB.length + j] ?? undefined;
      const ridge = v(directedKey('ridgeExplained', m.direction));
      lines.push(
        `similarity: ${ckaName(report)} ${num(v(ckaKey(report)) ?? undefined)}${ridge !== undefined && ridge !== null ? ` · ridge ${fmt(ridge)}` : ''}`,
      );
    }
    lines.push(m.running[at] ? 'disentangler: running…' : 'disentangler: not run on this pair');
    if (Number.isFinite(m.background[at])) lines.push('faded colour: the similarity above, not knowledge consistency');
  }
  lines.push('Click or Enter: open the pair');
  return lines;
}

/** A ridge bound stands in for the explained fraction: until the pair lands, or for good on layers the disentangler skips. */
function boundNote(running: boolean): string {
  return running
    ? ' (ridge lower bound; disentangler pending)'
    : ' (ridge lower bound; the disentangler did not run on this pair)';
}
