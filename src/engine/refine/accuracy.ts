/** Held-out accuracy from logits, and its summary over seeds. */
import type { AccuracySummary } from '../../protocol/refine';

/** Fraction of `samples` whose arg-max logit is their label; logits are [n, classes] over all samples. */
export function accuracy(logits: Float32Array, classes: number, labels: Int32Array, samples: Int32Array): number {
  let right = 0;
  for (const s of samples) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[s * classes + c] > logits[s * classes + best]) best = c;
    if (best === labels[s]) right++;
  }
  return right / samples.length;
}

/** Two-sided 95 % Student-t quantiles for 1…30 degrees of freedom; 1.96 beyond. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Mean and 95 % t-interval of the mean over seeds (a point with one seed), clipped to what the quantity can be:
 * [0, 1] for an accuracy, [−1, 1] for a difference of two. */
export function summarize(perSeed: number[], bounds: [number, number] = [0, 1]): AccuracySummary {
  const n = perSeed.length;
  const mean = perSeed.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, low: mean, high: mean, perSeed };
  const sd = Math.sqrt(perSeed.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (T95[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean, low: Math.max(bounds[0], mean - half), high: Math.min(bounds[1], mean + half), perSeed };
}
