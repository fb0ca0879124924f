/**
 * Cross-validated ridge: each fold's rows scored by the map fitted on the other folds, for every λ at once. The
 * primal route sums each fold's statistics once (one pass over the rows in all) and solves k times; the dual one
 * builds each complement's Gram.
 */
import type { FeatureTensor } from '../tensor';
import { runAsync, type Computation } from './products';
import { dualExplained, fitDual } from './ridge-dual';
import { explainedFromStats, solveStats, statsOf, sumStats, type Stats } from './ridge-primal';
import { problem, type Problem } from './ridge-problem';

/**
 * Explained fraction of the ridge map x → y (bias-free "same" k×k convolution, no centring: the caller passes what
 * it fits) for each relative λ, on each fold's rows (row id = n·H·W + h·W + w) from the other folds' fit, averaged
 * over folds weighted by their rows.
 */
export function ridgeFoldScores(
  x: FeatureTensor,
  y: FeatureTensor,
  kernel: 1 | 3,
  lambdas: readonly number[],
  folds: readonly Int32Array[],
): Promise<number[]> {
  // On a 1×1 map only the centre tap sees data (ridge.ts).
  const k = x.shape[1] * x.shape[2] === 1 ? 1 : kernel;
  return runAsync(foldScores(problem(x, y, k), lambdas, folds));
}

function* foldScores(p: Problem, lambdas: readonly number[], folds: readonly Int32Array[]): Computation<number[]> {
  const total = folds.reduce((n, f) => n + f.length, 0);
  const scores = new Array<number>(lambdas.length).fill(0);
  const add = (i: number, fold: Int32Array, s: number) => (scores[i] += (s * fold.length) / total);
  if (total - Math.max(...folds.map((f) => f.length)) >= p.d) {
    const stats: Stats[] = [];
    for (const fold of folds) stats.push(yield* statsOf(p, fold));
    const all = stats.reduce(sumStats);
    for (const [f, fold] of folds.entries()) {
      const weights = yield* solveStats(minus(all, stats[f]), p, lambdas);
      for (const [i, w] of weights.entries()) add(i, fold, yield* explainedFromStats(stats[f], p, w));
    }
  } else {
    for (const [f, fold] of folds.entries()) {
      const rest = Int32Array.from(folds.filter((_, g) => g !== f).flatMap((g) => Array.from(g)));
      const scored = yield* dualExplained(yield* fitDual(p, rest, lambdas), p, fold);
      for (const [i, s] of scored.entries()) add(i, fold, s);
    }
  }
  return scores;
}

function minus(a: Stats, b: Stats): Stats {
  const sub = (u: Float64Array, v: Float64Array) => u.map((x, i) => x - v[i]);
  return {
    count: a.count - b.count,
    xx: sub(a.xx, b.xx),
    xy: sub(a.xy, b.xy),
    sx: sub(a.sx, b.sx),
    sy: sub(a.sy, b.sy),
    syy: sub(a.syy, b.syy),
  };
}
