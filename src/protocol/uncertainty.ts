/** How an interval and the shown CKA read, the same in the CLI, the reports and the panel. */
import { fmt } from './format';
import type { PairResult, SimilarityMeasures } from './report';

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/** " [0.912, 0.948]" after its number, or nothing when there is no interval. */
export function intervalText(interval: readonly number[] | undefined, digits = 3): string {
  return interval && interval.length === 2 && finite(interval[0]) && finite(interval[1])
    ? ` [${fmt(interval[0], digits)}, ${fmt(interval[1], digits)}]`
    : '';
}

/** What the explained fraction's interval is, in words: "95 % bootstrap over 40 held-out probes". */
export function intervalNote(p: Pick<PairResult, 'interval' | 'training'>): string | undefined {
  if (!p.interval) return undefined;
  const test = p.training.samples?.test;
  const over = p.interval.resampled === 'held-out probes and seeds' ? 'held-out probes and seeds' : 'held-out probes';
  return `${Math.round(p.interval.level * 100)} % bootstrap interval over ${test ? `${test} ` : ''}${over}`;
}

/** The footnote of a table with intervals and the debiased CKA, or nothing when neither is in the report. */
export function uncertaintyNote(
  pairs: ReadonlyArray<Pick<PairResult, 'explainedInterval' | 'interval' | 'similarity'>>,
): string | undefined {
  const withInterval = pairs.find((p) => p.explainedInterval && p.interval);
  const parts = [
    ...(withInterval?.interval
      ? [
          `[low, high] = ${Math.round(withInterval.interval.level * 100)} % bootstrap interval of explained over held-out probes${pairs.some((p) => p.interval?.resampled === 'held-out probes and seeds') ? ' and seeds' : ''}`,
        ]
      : []),
    ...(pairs.some((p) => p.similarity.cka?.estimator === 'unbiased') ? [DEBIASED_NOTE] : []),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

/** Why a CKA is labelled debiased. */
export const DEBIASED_NOTE =
  'CKA (debiased) = the unbiased estimator, shown below 512 probes, where the biased one reads high for unrelated layers';

/** The linear CKA a view shows: the estimator the engine chose (debiased at few probes), labelled, with its interval. */
export function shownCka(s: SimilarityMeasures): { value: number; label: string; interval?: number[] } {
  const debiased = s.cka?.estimator === 'unbiased';
  return {
    value: s.cka?.value ?? s.linearCKA,
    label: debiased ? 'linear CKA (debiased)' : 'linear CKA',
    ...(s.cka?.interval ? { interval: s.cka.interval } : {}),
  };
}
