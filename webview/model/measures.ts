/**
 * The measures a heatmap cell can show. Knowledge-consistency measures come from the disentangler's PairResult;
 * similarity measures (CKA, ridge) come from the cheap all-pairs matrix and are labelled as similarity, not consistency.
 */
import type { Direction, PairResult, Report } from '../../src/protocol/report';

/** The report as the panel may hold it while an analysis streams in: pairs always, the rest when known. */
export type ReportLike = Pick<Report, 'pairs'> & Partial<Omit<Report, 'pairs'>>;

export type MeasureKind = 'consistency' | 'similarity';

export interface Measure {
  /** 'explained', 'order0'…'orderK', 'inconsistent', 'linearCKA', 'ridgeExplained'. */
  id: string;
  label: string;
  kind: MeasureKind;
  /** Reads the value from a finished disentangler pair (undefined when the pair does not carry it). */
  fromPair?: (p: PairResult) => number | undefined;
  /** Key in SimilarityMatrix.measures holding the cheap all-pairs value. */
  matrixKey?: string;
  /** For a consistency measure: the cheap matrix measure shown, faded, until the disentangler cell finishes. */
  provisionalKey?: string;
  /** Matrix measure drawn faded where this measure has no value, so the map is never mostly blank (similarity, labelled). */
  backgroundKey?: string;
  /** True when a higher value means LESS shared knowledge (the legend says so). */
  higherIsWorse?: boolean;
}

export const DEFAULT_MEASURE = 'explained';

/** Matrix measures that depend on the direction: the key holding their B → A values (rows are still A's layers). */
const B_TO_A_KEYS: Record<string, string> = { ridgeExplained: 'ridgeExplainedBA' };

/** The SimilarityMatrix key of a measure in a direction (symmetric measures such as CKA use one key for both). */
export function directedKey(key: string, direction: Direction): string {
  return direction === 'B->A' ? (B_TO_A_KEYS[key] ?? key) : key;
}

/**
 * The matrix key holding CKA: 'linearCKA', or 'linearCKAUnbiased' where the engine used the unbiased minibatch
 * estimator (large probe sets) and filled that key instead.
 */
export function ckaKey(report: ReportLike): 'linearCKA' | 'linearCKAUnbiased' {
  const m = report.matrix?.measures;
  return m && !m.linearCKA && m.linearCKAUnbiased ? 'linearCKAUnbiased' : 'linearCKA';
}

/** How CKA is named in labels and tooltips. */
export function ckaName(report: ReportLike): string {
  return ckaKey(report) === 'linearCKAUnbiased' ? 'linear CKA (unbiased)' : 'linear CKA';
}

/** K from the settings, else from the longest orders array seen, else the paper's K = 2. */
export function highestOrder(report: ReportLike): number {
  if (report.settings) return report.settings.orders;
  let k = -1;
  for (const p of report.pairs) for (const o of p.orders) k = Math.max(k, o.order);
  return k >= 0 ? k : 2;
}

export function orderFraction(p: PairResult, k: number): number | undefined {
  return p.orders.find((o) => o.order === k)?.fraction;
}

/** The measures available for this report, in menu order (explained first: the paper's consistency). */
export function measuresFor(report: ReportLike): Measure[] {
  const list: Measure[] = [
    {
      id: 'explained',
      label: 'Explained fraction (consistency)',
      kind: 'consistency',
      fromPair: (p) => p.explained,
      provisionalKey: 'ridgeExplained',
      backgroundKey: ckaKey(report),
    },
  ];
  for (let k = 0; k <= highestOrder(report); k++) {
    list.push({
      id: `order${k}`,
      label: `Order-${k} fraction`,
      kind: 'consistency',
      fromPair: (p) => orderFraction(p, k),
    });
  }
  list.push({
    id: 'inconsistent',
    label: 'Inconsistent fraction (ε)',
    kind: 'consistency',
    fromPair: (p) => p.inconsistent.fraction,
    higherIsWorse: true,
  });
  // One menu entry whichever estimator filled the matrix (the id stays, so a chosen measure survives a new report).
  const cka = ckaName(report);
  list.push({
    id: 'linearCKA',
    label: `${cka[0].toUpperCase()}${cka.slice(1)} (similarity)`,
    kind: 'similarity',
    fromPair: (p) => p.similarity.linearCKA,
    matrixKey: ckaKey(report),
  });
  if (report.matrix?.measures.ridgeExplained || report.matrix?.measures.ridgeExplainedBA) {
    list.push({
      id: 'ridgeExplained',
      label: 'Ridge explained, order-0 bound (similarity)',
      kind: 'similarity',
      fromPair: (p) => p.similarity.ridgeExplained,
      matrixKey: 'ridgeExplained',
    });
  }
  return list;
}

export function findMeasure(report: ReportLike, id: string | undefined): Measure {
  const all = measuresFor(report);
  return all.find((m) => m.id === id) ?? all[0];
}
