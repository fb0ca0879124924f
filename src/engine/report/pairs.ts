import type { PairResult, Report } from '../../protocol/report';
import { explainedNote } from '../../protocol/format';
import { intervalText, shownCka } from '../../protocol/uncertainty';
import { linearStartNote } from '../../protocol/training-note';
import { arrowText, fmt } from './format';

/** The summary row of one disentangled pair: headline explained fraction, order fractions, ε, similarity. */
export interface PairRow {
  pair: string;
  direction: string;
  explained: string;
  orders: string[];
  inconsistent: string;
  cka: string;
  ridge: string;
  epochs: string;
}

/** Highest order present in any pair (K), so that every row has the same columns. */
export function maxOrder(report: Report): number {
  return Math.max(report.settings.orders, ...report.pairs.map((p) => p.orders.length - 1));
}

/** `names`: the models' names, so the direction reads "seed1 → seed2" (A → B without them). */
export function pairRow(p: PairResult, k: number, names?: { a: string; b: string }): PairRow {
  const spread = (v: number, sd: number | undefined) =>
    sd !== undefined && p.spread && p.spread.seeds > 1 ? `${fmt(v)}±${fmt(sd, 2)}` : fmt(v);
  return {
    pair: `${p.layerA} ↔ ${p.layerB}`,
    direction: arrowText(p.direction, names),
    // † marks a negative held-out fraction; the table's footnote says what it means (BELOW_ZERO_NOTE).
    explained: `${spread(p.explained, p.spread?.explained)}${explainedNote(p.explained) ? '†' : ''}${intervalText(p.explainedInterval)}`,
    // ‡ on orders ≥ 1 when the fit kept its ridge start: they hold nothing learned (LINEAR_START_NOTE).
    orders: Array.from(
      { length: k + 1 },
      (_, i) => `${spread(p.orders[i]?.fraction ?? NaN, p.spread?.orders[i])}${i > 0 && linearStartNote(p) ? '‡' : ''}`,
    ),
    inconsistent: spread(p.inconsistent.fraction, p.spread?.inconsistent),
    cka: ckaCell(p),
    ridge: fmt(p.similarity.ridgeExplained),
    epochs: `${p.training.epochs}${p.training.earlyStopped ? '*' : ''}`,
  };
}

/** The shown CKA (debiased at few probes, and then labelled so). */
function ckaCell(p: PairResult): string {
  const c = shownCka(p.similarity);
  return `${fmt(c.value)}${p.similarity.cka?.estimator === 'unbiased' ? ' (debiased)' : ''}`;
}

export function pairHeader(k: number): string[] {
  return [
    'pair (A ↔ B)',
    'explains → explained',
    'explained',
    ...Array.from({ length: k + 1 }, (_, i) => `order ${i}`),
    'ε',
    'CKA*',
    'ridge*',
    'epochs',
  ];
}

export function pairCells(r: PairRow): string[] {
  return [r.pair, r.direction, r.explained, ...r.orders, r.inconsistent, r.cka, r.ridge, r.epochs];
}

/** The measures of the matrix in a stable display order with labels ("similarity, not consistency"). */
export const MATRIX_LABELS: Record<string, string> = {
  linearCKA: 'linear CKA',
  linearCKAUnbiased: 'linear CKA (debiased: unbiased HSIC)',
  ridgeExplained: `order-0 ridge explained, ${arrowText('A->B')}`,
  ridgeExplainedBA: `order-0 ridge explained, ${arrowText('B->A')}`,
};

/** The matrix measure drawn as "the" heatmap image and terminal grid: CKA, whichever estimator filled it. */
export function headlineMeasure(measures: Record<string, unknown>): string | undefined {
  return ['linearCKA', 'linearCKAUnbiased', ...Object.keys(measures)].find((k) => k in measures);
}
