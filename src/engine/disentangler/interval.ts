/**
 * Confidence intervals of the explained fraction: a percentile bootstrap over held-out probe samples (and over seeds
 * where several ran). The samples, not the positions, are the unit: the positions of one sample move together
 * (split.ts, MIN_TEST_SAMPLES). The fitted disentangler is held fixed: the interval says how much the number would
 * move with another draw of held-out probes, not with another training run (that is the spread over seeds).
 *
 * Cheap because Σ_c Var_c on any resample needs only per-sample sums: for each sample s its count of positions
 * n_s, Σ z² over its positions and channels (q_s), and its per-channel sums S_s (a C-vector). With resample counts
 * w, N = Σ w_s n_s and Σ_c Var_c = (Σ w_s q_s − ‖Σ w_s S_s‖² / N) / N; the 1/N cancels in 1 − Var(ε)/Var(x_B).
 */
import { createRng } from '../random';

/** Percentile interval level of every reported interval. */
export const INTERVAL_LEVEL = 0.95;
/** Bootstrap replicates: the 2.5 % and 97.5 % points of 1000 replicates move by ≈ 0.1 of the interval's width … */
export const BOOTSTRAP_REPLICATES = 1000;
/** … but never fewer than this, when a replicate is expensive (many held-out samples × channels). */
export const MIN_REPLICATES = 200;
/** Multiply-adds the bootstrap may take per pair (≈ 0.5 s in plain loops). */
const BOOTSTRAP_BUDGET = 4e8;

/** Replicates for these fits: BOOTSTRAP_REPLICATES, fewer (down to MIN_REPLICATES) when one costs much. */
export function replicatesFor(fits: HeldOutSums[]): number {
  const cost = fits.reduce((a, f) => a + 2 * f.counts.length * f.channels, 0) / Math.max(1, fits.length);
  return Math.max(MIN_REPLICATES, Math.min(BOOTSTRAP_REPLICATES, Math.floor(BOOTSTRAP_BUDGET / Math.max(1, cost))));
}

/** One quantity's sums per held-out sample (row s of `linear` is S_s, C values). */
interface QuantitySums {
  squares: Float64Array;
  linear: Float64Array;
}

/** What one fit's held-out evaluation leaves for the bootstrap. Plain arrays: it stays inside the fit's process. */
export interface HeldOutSums {
  channels: number;
  /** Positions counted per sample. */
  counts: Float64Array;
  target: QuantitySums;
  residual: QuantitySums;
}

/** Accumulates B's values and ε per held-out sample while evaluate() walks the windows. */
export class SampleSums {
  private readonly slots = new Map<number, number>();
  private readonly sums: HeldOutSums;

  constructor(
    readonly channels: number,
    samples: Iterable<number>,
  ) {
    for (const s of samples) if (!this.slots.has(s)) this.slots.set(s, this.slots.size);
    const n = this.slots.size;
    const quantity = () => ({ squares: new Float64Array(n), linear: new Float64Array(n * channels) });
    this.sums = { channels, counts: new Float64Array(n), target: quantity(), residual: quantity() };
  }

  /** The row of a sample given to the constructor. */
  slot(sample: number): number {
    return this.slots.get(sample) as number;
  }

  /** B's value y and the residual e of channel ch at one counted position of the sample in `slot`. */
  add(slot: number, ch: number, y: number, e: number): void {
    const { target, residual, channels } = this.sums;
    target.squares[slot] += y * y;
    target.linear[slot * channels + ch] += y;
    residual.squares[slot] += e * e;
    residual.linear[slot * channels + ch] += e;
  }

  /** Closes one counted position of the sample in `slot`. */
  count(slot: number): void {
    this.sums.counts[slot]++;
  }

  /** Samples with at least one counted position, only. */
  result(): HeldOutSums {
    const keep = Array.from(this.sums.counts.keys()).filter((s) => this.sums.counts[s] > 0);
    if (keep.length === this.sums.counts.length) return this.sums;
    const c = this.channels;
    const pick = (q: QuantitySums): QuantitySums => ({
      squares: Float64Array.from(keep, (s) => q.squares[s]),
      linear: Float64Array.from(keep.flatMap((s) => Array.from(q.linear.subarray(s * c, (s + 1) * c)))),
    });
    return {
      channels: c,
      counts: Float64Array.from(keep, (s) => this.sums.counts[s]),
      target: pick(this.sums.target),
      residual: pick(this.sums.residual),
    };
  }
}

/** Explained fraction of the samples with resample counts `w` (w = all ones: the fit's own number). */
export function explainedOf(sums: HeldOutSums, w: ArrayLike<number>): number {
  const total = totalVariance(sums, sums.target, w);
  return total > 0 ? 1 - totalVariance(sums, sums.residual, w) / total : 0;
}

/** N·Σ_c Var_c of one quantity over the resample (N cancels in every ratio). */
function totalVariance(sums: HeldOutSums, q: QuantitySums, w: ArrayLike<number>): number {
  const c = sums.channels;
  const mean = new Float64Array(c);
  let n = 0;
  let squares = 0;
  for (let s = 0; s < w.length; s++) {
    const ws = w[s];
    if (ws === 0) continue;
    n += ws * sums.counts[s];
    squares += ws * q.squares[s];
    const row = s * c;
    for (let ch = 0; ch < c; ch++) mean[ch] += ws * q.linear[row + ch];
  }
  if (n === 0) return 0;
  let m2 = 0;
  for (let ch = 0; ch < c; ch++) m2 += mean[ch] * mean[ch];
  return Math.max(0, squares - m2 / n);
}

/**
 * Percentile bootstrap interval of the explained fraction averaged over seeds: each replicate draws as many seeds
 * as ran, with replacement (a single seed is always itself), and for each drawn seed its held-out samples with
 * replacement, and averages the drawn seeds' fractions. Reproducible from `seed`.
 */
export function explainedInterval(
  fits: HeldOutSums[],
  seed: number,
  replicates = BOOTSTRAP_REPLICATES,
  level = INTERVAL_LEVEL,
): [number, number] {
  const rng = createRng(seed ^ 0x2545f491);
  const values = new Float64Array(replicates);
  const weights = fits.map((f) => new Float64Array(f.counts.length));
  for (let r = 0; r < replicates; r++) {
    let sum = 0;
    for (let k = 0; k < fits.length; k++) {
      const f = fits[fits.length > 1 ? Math.floor(rng() * fits.length) : 0];
      const w = weights[fits.indexOf(f)];
      w.fill(0);
      for (let i = 0; i < w.length; i++) w[Math.floor(rng() * w.length)]++;
      sum += explainedOf(f, w);
    }
    values[r] = sum / fits.length;
  }
  return percentiles(values, level);
}

/** The (1 − level)/2 and (1 + level)/2 points of `values` (sorted in place; linear interpolation). */
export function percentiles(values: Float64Array, level = INTERVAL_LEVEL): [number, number] {
  values.sort();
  const at = (p: number) => {
    const x = p * (values.length - 1);
    const i = Math.floor(x);
    return i + 1 < values.length ? values[i] + (x - i) * (values[i + 1] - values[i]) : values[i];
  };
  return [at((1 - level) / 2), at((1 + level) / 2)];
}
