/**
 * Closed-form order-0 estimates: the best bias-free linear "same" convolution from A's features to B's by ridge
 * regression on k×k patches. Used by the disentangler's warm start (fitRidgeConv) and as the cheap held-out
 * "ridgeExplained" measure beside CKA (a lower bound for what the disentangler's order-0 path can explain).
 *
 * λ is relative: the ridge added to the normal equations is λ·tr(XᵀX)/d (d = C_A·k² patch features), i.e. λ
 * times the mean eigenvalue, so the same λ means the same for every layer and feature scale. With more patch rows
 * than features the primal normal equations are used (ridge-primal.ts), otherwise the dual (ridge-dual.ts).
 *
 * Each function comes twice with the same maths (products.ts): synchronous, in float64 plain loops over at most
 * ≈4e9/d² patch rows, and *Async, with big products as float64 DGEMM on onnxruntime over up to ≈4e10/d² rows.
 */
import { KcError, ShapeMismatchError } from '../errors';
import { checkTestSize, splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { channelScale, channelStats } from './channel-stats';
import { capRows, rowIds, type ChannelAffine } from './patches';
import { runAsync, runSync, type Computation } from './products';
import { dualExplained, dualWeights, fitDual } from './ridge-dual';
import { explainedFromStats, solveStats, statsOf, sumStats } from './ridge-primal';
import { problem, type Problem } from './ridge-problem';

/** Candidate relative ridges for the held-out search of ridgeExplained (up to ≈ "predict the mean" for unrelated layers). */
export const LAMBDA_GRID = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000] as const;

/**
 * Multiply-adds spent on XᵀX per fit: plain loops, onnxruntime (float64 products). Patch rows beyond that are a
 * seeded subset, and on onnxruntime at least ROWS_PER_FEATURE a feature. 4e10 had the warm start and the ridge
 * measure of a 112×112×32 fit at 160 probes fit 482 000 rows for 288 features: 7 s and 12 s of a 21 s fit.
 */
const FIT_MACS = { sync: 4e9, async: 1e10 };
/** Fewer rows a feature than this make the warm start search λ (warm-start.ts LAMBDA_SEARCH_ROWS). */
const ROWS_PER_FEATURE = { sync: 2, async: 8 };
type Mode = keyof typeof FIT_MACS;

export interface RidgeExplainedOptions {
  kernel: 1 | 3;
  testFraction: number;
  seed: number;
  /** Fixed relative ridge; when absent it is chosen from LAMBDA_GRID on a held-out part of the training split. */
  lambda?: number;
  /** Cap on the patch rows (sample × position) per fit; default from a cost budget, at least 2·d. */
  maxRows?: number;
}

/**
 * OIHW weight [C_B, C_A, kernel, kernel] (float32) of the bias-free "same" convolution that best maps x to y in
 * least squares with relative ridge `lambda`. No centring: the caller fits what it will use (the disentangler
 * passes standardised A and centred, scaled B). Uses all samples (patch rows capped by a cost budget), or the patch
 * rows `rows` (row id = n·H·W + h·W + w) when given.
 */
export function fitRidgeConv(x: FeatureTensor, y: FeatureTensor, kernel: 1 | 3, lambda: number): Float32Array {
  const p = fitProblem(x, y, kernel);
  return toOihw(runSync(fitWeights(p, allRows(p, 'sync'), lambda)), p, kernel);
}

/** fitRidgeConv with big products on onnxruntime (more rows, much faster on big layers). */
export async function fitRidgeConvAsync(
  x: FeatureTensor,
  y: FeatureTensor,
  kernel: 1 | 3,
  lambda: number,
  rows?: Int32Array,
): Promise<Float32Array> {
  const p = fitProblem(x, y, kernel);
  const ids = rows ? capRows(rows, defaultMaxRows(p.d, 'async'), 0) : allRows(p, 'async');
  return toOihw(await runAsync(fitWeights(p, ids, lambda)), p, kernel);
}

/** fitRidgeConvAsync for several λ at about the cost of one (one XᵀX or Gram, one factorisation): the
 * disentangler's warm start chooses λ among them on its validation set. */
export async function fitRidgeConvPathAsync(
  x: FeatureTensor,
  y: FeatureTensor,
  kernel: 1 | 3,
  lambdas: readonly number[],
  rows?: Int32Array,
): Promise<Float32Array[]> {
  const p = fitProblem(x, y, kernel);
  const ids = rows ? capRows(rows, defaultMaxRows(p.d, 'async'), 0) : allRows(p, 'async');
  return (await runAsync(fitPath(p, ids, lambdas))).map((w) => toOihw(w, p, kernel));
}

/** Patch rows fitRidgeConvAsync uses at most with `features` patch features (its cost budget). */
export function ridgeRowCap(features: number): number {
  return defaultMaxRows(features, 'async');
}

/**
 * Held-out explained fraction 1 − Var(residual)/Var(b) of the ridge convolution a → b, with the method page's
 * conventions: A standardised and B centred per channel with training-split statistics; Var = per-channel variance
 * (mean over samples and positions removed) summed over channels, on the held-out samples of
 * splitIndices(n, testFraction, seed) — the disentangler's split. λ: LAMBDA_GRID searched on a quarter of the
 * training samples held out again (seed + 1), then refitted on the whole training split. Constant B gives 0, and so
 * does a constant A (nothing to predict from). Too few held-out samples (split.ts) → KcError.
 */
export function ridgeExplained(a: FeatureTensor, b: FeatureTensor, options: RidgeExplainedOptions): number {
  return runSync(explained(explainedPlan(a, b, options, 'sync')));
}

/** ridgeExplained with big products on onnxruntime. */
export function ridgeExplainedAsync(
  a: FeatureTensor,
  b: FeatureTensor,
  options: RidgeExplainedOptions,
): Promise<number> {
  return runAsync(explained(explainedPlan(a, b, options, 'async')));
}

/** Patch features d = C_A·k² of the regression (k = 1 on 1×1 maps): its factorisations cost ≈ d³. */
export function ridgeFeatureCount(x: FeatureTensor, kernel: 1 | 3): number {
  return x.shape[3] * effectiveKernel(kernel, x.shape[1], x.shape[2]) ** 2;
}

function fitProblem(x: FeatureTensor, y: FeatureTensor, kernel: 1 | 3): Problem {
  checkPair(x, y);
  return problem(x, y, effectiveKernel(kernel, x.shape[1], x.shape[2]));
}

function allRows(p: Problem, mode: Mode): Int32Array {
  const [n, height, width] = p.x.shape;
  return capRows(
    rowIds(
      Int32Array.from({ length: n }, (_, i) => i),
      height,
      width,
    ),
    defaultMaxRows(p.d, mode),
    0,
  );
}

function* fitWeights(p: Problem, ids: Int32Array, lambda: number): Computation<Float64Array> {
  return (yield* fitPath(p, ids, [lambda]))[0];
}

function* fitPath(p: Problem, ids: Int32Array, lambdas: readonly number[]): Computation<Float64Array[]> {
  if (ids.length >= p.d) return yield* solveStats(yield* statsOf(p, ids), p, lambdas);
  const fit = yield* fitDual(p, ids, lambdas);
  const out: Float64Array[] = [];
  for (let i = 0; i < lambdas.length; i++) out.push(yield* dualWeights(fit, p, i));
  return out;
}

interface ExplainedPlan {
  p: Problem;
  lambda?: number;
  /** Patch rows of: the inner fit and validation parts of the training split (λ search), training, test. */
  fit: Int32Array;
  val: Int32Array;
  train: Int32Array;
  test: Int32Array;
}

function explainedPlan(a: FeatureTensor, b: FeatureTensor, options: RidgeExplainedOptions, mode: Mode): ExplainedPlan {
  checkPair(a, b);
  checkTestSize(a.shape[0], options.testFraction);
  const [, height, width] = a.shape;
  const split = splitIndices(a.shape[0], options.testFraction, options.seed, b.groups ?? a.groups);
  const p = problem(
    a,
    b,
    effectiveKernel(options.kernel, height, width),
    standardiser(a, split.train),
    channelStats(b, split.train).mean,
  );
  const maxRows = options.maxRows ?? defaultMaxRows(p.d, mode);
  const rows = (samples: Int32Array, seed: number): Int32Array =>
    capRows(rowIds(samples, height, width), maxRows, seed);
  const inner = splitIndices(split.train.length, 0.25, options.seed + 1);
  return {
    p,
    lambda: options.lambda,
    fit: rows(
      inner.train.map((i) => split.train[i]),
      options.seed + 2,
    ),
    val: rows(
      inner.test.map((i) => split.train[i]),
      options.seed + 3,
    ),
    train: rows(split.train, options.seed + 4),
    test: rows(split.test, options.seed + 5),
  };
}

function* explained(plan: ExplainedPlan): Computation<number> {
  const { p } = plan;
  const best = (scores: number[]) => LAMBDA_GRID[scores.indexOf(Math.max(...scores))];
  if (plan.train.length < p.d) {
    const lambda = plan.lambda ?? best(yield* dualExplained(yield* fitDual(p, plan.fit, LAMBDA_GRID), p, plan.val));
    return (yield* dualExplained(yield* fitDual(p, plan.train, [lambda]), p, plan.test))[0];
  }
  let lambda = plan.lambda;
  let train;
  if (lambda === undefined) {
    // Training statistics = inner fit + validation: no second pass over the data.
    const fit = yield* statsOf(p, plan.fit);
    const val = yield* statsOf(p, plan.val);
    const scores: number[] = [];
    for (const w of yield* solveStats(fit, p, LAMBDA_GRID)) scores.push(yield* explainedFromStats(val, p, w));
    lambda = best(scores);
    train = sumStats(fit, val);
  } else {
    train = yield* statsOf(p, plan.train);
  }
  const [w] = yield* solveStats(train, p, [lambda]);
  return yield* explainedFromStats(yield* statsOf(p, plan.test), p, w);
}

function checkPair(x: FeatureTensor, y: FeatureTensor): void {
  const [nx, hx, wx] = x.shape;
  const [ny, hy, wy] = y.shape;
  if (nx !== ny)
    throw new ShapeMismatchError(`features of A have ${nx} samples and B ${ny}: use the same probe inputs for both`);
  if (hx !== hy || wx !== wy) {
    throw new ShapeMismatchError(
      `ridge map needs the same spatial size, got A ${hx}×${wx} and B ${hy}×${wy}: resample A to B's size first`,
    );
  }
  if (nx < 2) throw new KcError(`need at least 2 probe samples, got ${nx}`);
}

/** On a 1×1 map only the centre tap of a 3×3 kernel ever sees data: fit 1×1 and embed it. */
function effectiveKernel(kernel: 1 | 3, height: number, width: number): number {
  return height === 1 && width === 1 ? 1 : kernel;
}

function defaultMaxRows(d: number, mode: Mode): number {
  return Math.max(ROWS_PER_FEATURE[mode] * d, Math.min(1 << 20, Math.floor(FIT_MACS[mode] / (d * d))));
}

/** (x − mean)/std per channel on the given samples; a channel below the layer's std floor gets scale 0, as in the
 * disentangler's input (channelScale), so it cannot blow up on a held-out sample. Never NaN. */
function standardiser(t: FeatureTensor, samples: Int32Array): ChannelAffine {
  const { mean, std } = channelStats(t, samples);
  return { shift: mean, scale: channelScale(std).scale };
}

/** [d × C_B] solution (d = C_A·k²) → OIHW float32 [C_B, C_A, kernel, kernel], a 1×1 fit placed at the centre tap. */
function toOihw(w: Float64Array, p: Problem, kernel: number): Float32Array {
  const channelsA = p.x.shape[3];
  const { k, cOut } = p;
  const out = new Float32Array(cOut * channelsA * kernel * kernel);
  const centre = k === kernel ? 0 : (kernel * kernel - 1) >> 1;
  for (let o = 0; o < cOut; o++) {
    for (let i = 0; i < channelsA; i++) {
      for (let tap = 0; tap < k * k; tap++) {
        out[(o * channelsA + i) * kernel * kernel + tap + centre] = w[(i * k * k + tap) * cOut + o];
      }
    }
  }
  return out;
}
