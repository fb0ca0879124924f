/** The family's reliability per layer: a mean with a 95 % interval over the off-diagonal entries. */

/** t(0.975, ν) for ν = 1…30 (standard tables, 3 decimals). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const Z975 = 1.959963984540054;

/** Student's t quantile at 0.975 with ν degrees of freedom: the table up to 30, then the Cornish–Fisher expansion
 * (error < 1e-4 from ν = 30 on). */
export function t975(df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new RangeError(`degrees of freedom must be a whole number ≥ 1: ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = Z975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

export interface MeanInterval {
  mean: number | null;
  sd: number | null;
  n: number;
  low: number | null;
  high: number | null;
}

/**
 * Mean ± t(0.975, n − 1)·sd/√n of the finite values. The entries of a consistency matrix share models, so they are
 * not independent draws: read the interval as how spread the family's pairs are, not as a coverage guarantee.
 */
export function meanInterval(values: ReadonlyArray<number | null>): MeanInterval {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, sd: null, n, low: null, high: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null, n, low: null, high: null };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  return { mean, sd, n, low: mean - half, high: mean + half };
}
