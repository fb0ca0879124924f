/** Numbers as people read them, the same in the CLI, the reports, the host's views and the panel. */

/** What a missing or non-finite number shows as, everywhere. */
export const MISSING = '–';

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** Fixed decimals: "0.937". */
export const fmt = (v: number | null | undefined, digits = 3): string => (finite(v) ? v.toFixed(digits) : MISSING);

/** A fraction as a percentage: "93.7 %". */
export const pct = (v: number | null | undefined, digits = 1): string =>
  finite(v) ? `${(v * 100).toFixed(digits)} %` : MISSING;

/** Fixed decimals, or scientific for tiny and huge magnitudes (losses, variances): "0.012", "3.40e-5". */
export function num(v: number | null | undefined, digits = 3): string {
  if (!finite(v)) return MISSING;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
}

/** " ± 2.1 %" when a spread across seeds exists, else nothing. */
export const spreadPct = (sd: number | null | undefined): string => (finite(sd) ? ` ± ${(sd * 100).toFixed(1)} %` : '');

/** "4.21 s", "37.5 s". */
export const seconds = (v: number | undefined): string =>
  finite(v) ? (v < 10 ? `${v.toFixed(2)} s` : `${v.toFixed(1)} s`) : MISSING;

/** Why a held-out explained fraction can be below zero, in words: every view says it next to such a number. */
export const BELOW_ZERO_NOTE =
  'below 0: worse than predicting the mean — over-fitted, or too few probes for this layer';

/** The note for an explained fraction, when it needs one. */
export function explainedNote(v: number | null | undefined): string | undefined {
  return finite(v) && v < 0 ? BELOW_ZERO_NOTE : undefined;
}
