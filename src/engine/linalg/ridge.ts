/**
 * Closed-form order-0 estimates: the best bias-free linear "same" convolution from A's features to B's by ridge
 * regression on k×k patches. Used by the disentangler's warm start (fitRidgeConv) and as the cheap held-out
 * "ridgeExplained" measure beside CKA (a lower bound for what the disentangler's order-0 path can explain).
 *
 * λ is relative: the ridge added to the normal equations is λ·tr(XᵀX)/d (d = C_A·k² patch features), i.e. λ
 * times the mean eigenvalue, so the same λ means the same for every layer and feature scale. With more patch rows
 * than features the primal normal equations XᵀX are accumulated in blocks; otherwise the dual (Gram) form
 * W = Xᵀ(XXᵀ + λI)⁻¹Y is solved (tr(XXᵀ) = tr(XᵀX), so λ means the same in both).
 */
import { KcError, ShapeMismatchError } from '../errors';
import { splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { abT, matmul, solveSpd, trace, transpose } from './dense';
import { capRows, patchesT, rowIds, targetsT, type ChannelAffine } from './patches';

/** Candidate relative ridges for the held-out search of ridgeExplained. */
export const LAMBDA_GRID = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1] as const;

/** Rows per block while accumulating normal equations (a [d × 2048] float64 block). */
const BLOCK_ROWS = 2048;
/** Patch rows used per fit are capped so that accumulating XᵀX costs about this many multiply-adds. */
const FIT_FLOPS = 4e9;

export interface RidgeExplainedOptions {
  kernel: 1 | 3;
  testFraction: number;
  seed: number;
  /** Fixed relative ridge; when absent it is chosen from LAMBDA_GRID on a held-out part of the training split. */
  lambda?: number;
  /** Cap on the patch rows (sample × position) per fit; default from a cost budget, at least 2·d. */
  maxRows?: number;
}

/** The regression problem: patches of x (optionally standardised) → y (optionally centred). */
interface Problem {
  x: FeatureTensor;
  y: FeatureTensor;
  k: number;
  affine?: ChannelAffine;
  shiftY?: Float64Array;
}

/**
 * OIHW weight [C_B, C_A, kernel, kernel] (float32) of the bias-free "same" convolution that best maps x to y in
 * least squares with relative ridge `lambda`. No centring: the caller fits what it will use (the disentangler
 * passes standardised A and centred, scaled B). Uses all samples (patch rows capped by a cost budget).
 */
export function fitRidgeConv(x: FeatureTensor, y: FeatureTensor, kernel: 1 | 3, lambda: number): Float32Array {
  checkPair(x, y);
  const [n, height, width] = x.shape;
  const k = effectiveKernel(kernel, height, width);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const p: Problem = { x, y, k };
  const ids = capRows(rowIds(all, height, width), defaultMaxRows(x.shape[3] * k * k), 0);
  const [w] = fitWeights(p, ids, [lambda]);
  return toOihw(w, x.shape[3], y.shape[3], k, kernel);
}

/**
 * Held-out explained fraction 1 − Var(residual)/Var(b) of the ridge convolution a → b, with the method page's
 * conventions: A standardised and B centred per channel with training-split statistics; Var = per-channel variance
 * (mean over samples and positions removed) summed over channels, on the held-out samples of
 * splitIndices(n, testFraction, seed) — the disentangler's split. λ: LAMBDA_GRID searched on a quarter of the
 * training samples held out again (seed + 1), then refitted on the whole training split. Constant B gives 0.
 */
export function ridgeExplained(a: FeatureTensor, b: FeatureTensor, options: RidgeExplainedOptions): number {
  checkPair(a, b);
  const [, height, width, channelsA] = a.shape;
  const k = effectiveKernel(options.kernel, height, width);
  const { train, test } = splitIndices(a.shape[0], options.testFraction, options.seed);
  const p: Problem = { x: a, y: b, k, affine: standardiser(a, train), shiftY: channelMeans(b, train) };
  const maxRows = options.maxRows ?? defaultMaxRows(channelsA * k * k);
  const rows = (samples: Int32Array, seed: number): Int32Array => capRows(rowIds(samples, height, width), maxRows, seed);

  let lambda = options.lambda;
  if (lambda === undefined) {
    const inner = splitIndices(train.length, 0.25, options.seed + 1);
    const fitIds = rows(inner.train.map((i) => train[i]), options.seed + 2);
    const valIds = rows(inner.test.map((i) => train[i]), options.seed + 3);
    const fits = fitWeights(p, fitIds, [...LAMBDA_GRID]);
    const scores = fits.map((w) => explainedOn(p, valIds, w));
    lambda = LAMBDA_GRID[scores.indexOf(Math.max(...scores))];
  }
  const [w] = fitWeights(p, rows(train, options.seed + 4), [lambda]);
  return explainedOn(p, rows(test, options.seed + 5), w);
}

function checkPair(x: FeatureTensor, y: FeatureTensor): void {
  const [nx, hx, wx] = x.shape;
  const [ny, hy, wy] = y.shape;
  if (nx !== ny) throw new ShapeMismatchError(`features of A have ${nx} samples and B ${ny}: use the same probe inputs for both`);
  if (hx !== hy || wx !== wy) {
    throw new ShapeMismatchError(`ridge map needs the same spatial size, got A ${hx}×${wx} and B ${hy}×${wy}: resample A to B's size first`);
  }
  if (nx < 2) throw new KcError(`need at least 2 probe samples, got ${nx}`);
}

/** On a 1×1 map only the centre tap of a 3×3 kernel ever sees data: fit 1×1 and embed it. */
function effectiveKernel(kernel: 1 | 3, height: number, width: number): number {
  return height === 1 && width === 1 ? 1 : kernel;
}

function defaultMaxRows(d: number): number {
  return Math.max(2 * d, Math.min(1 << 17, Math.floor(FIT_FLOPS / (d * d))));
}

/** [d × C_B] weights for each relative ridge in `lambdas` (one pass over the data). */
function fitWeights(p: Problem, ids: Int32Array, lambdas: number[]): Float64Array[] {
  const d = p.x.shape[3] * p.k * p.k;
  const cOut = p.y.shape[3];
  if (ids.length >= d) {
    const xtx = new Float64Array(d * d);
    const xty = new Float64Array(d * cOut);
    for (let start = 0; start < ids.length; start += BLOCK_ROWS) {
      const end = Math.min(ids.length, start + BLOCK_ROWS);
      const pt = patchesT(p.x, p.k, ids, start, end, p.affine);
      abT(pt, d, pt, d, end - start, true, xtx);
      abT(pt, d, targetsT(p.y, ids, start, end, p.shiftY), cOut, end - start, false, xty);
    }
    const scale = trace(xtx, d) / d;
    return lambdas.map((l) => solveSpd(xtx, d, xty, cOut, l * scale));
  }
  // Dual form: fewer rows r than features d, so solve the r × r system (XXᵀ + λI)α = Y and map back W = Xᵀα.
  const r = ids.length;
  const pt = patchesT(p.x, p.k, ids, 0, r, p.affine);
  const rowsX = transpose(pt, d, r);
  const gram = abT(rowsX, r, rowsX, r, d, true);
  const targets = transpose(targetsT(p.y, ids, 0, r, p.shiftY), cOut, r);
  const scale = trace(gram, r) / d;
  return lambdas.map((l) => matmul(pt, solveSpd(gram, r, targets, cOut, l * scale), d, r, cOut));
}

/** 1 − Var(y − ŷ)/Var(y) on the given rows, variances with per-channel means removed and summed over channels. */
function explainedOn(p: Problem, ids: Int32Array, w: Float64Array): number {
  const d = p.x.shape[3] * p.k * p.k;
  const cOut = p.y.shape[3];
  const wT = transpose(w, d, cOut);
  const sums = new Float64Array(4 * cOut); // Σy, Σy², Σr, Σr² per channel
  for (let start = 0; start < ids.length; start += BLOCK_ROWS) {
    const end = Math.min(ids.length, start + BLOCK_ROWS);
    const m = end - start;
    const rowsX = transpose(patchesT(p.x, p.k, ids, start, end, p.affine), d, m);
    const pred = abT(wT, cOut, rowsX, m, d);
    const yt = targetsT(p.y, ids, start, end, p.shiftY);
    for (let c = 0; c < cOut; c++) {
      for (let r = 0; r < m; r++) {
        const yv = yt[c * m + r];
        const res = yv - pred[c * m + r];
        sums[4 * c] += yv;
        sums[4 * c + 1] += yv * yv;
        sums[4 * c + 2] += res;
        sums[4 * c + 3] += res * res;
      }
    }
  }
  const count = ids.length;
  let varY = 0;
  let varRes = 0;
  for (let c = 0; c < cOut; c++) {
    varY += sums[4 * c + 1] / count - (sums[4 * c] / count) ** 2;
    varRes += sums[4 * c + 3] / count - (sums[4 * c + 2] / count) ** 2;
  }
  return varY > 0 ? 1 - varRes / varY : 0;
}

/** Per-channel mean over the given samples and all positions. */
function channelMeans(t: FeatureTensor, samples: Int32Array): Float64Array {
  const [, height, width, channels] = t.shape;
  const hw = height * width;
  const mean = new Float64Array(channels);
  for (const s of samples) {
    for (let p = 0; p < hw; p++) {
      const base = (s * hw + p) * channels;
      for (let c = 0; c < channels; c++) mean[c] += t.data[base + c];
    }
  }
  for (let c = 0; c < channels; c++) mean[c] /= samples.length * hw;
  return mean;
}

/** (x − mean)/std per channel on the given samples; a constant channel gets scale 0 (dropped, never NaN). */
function standardiser(t: FeatureTensor, samples: Int32Array): ChannelAffine {
  const [, height, width, channels] = t.shape;
  const hw = height * width;
  const shift = channelMeans(t, samples);
  const scale = new Float64Array(channels);
  for (const s of samples) {
    for (let p = 0; p < hw; p++) {
      const base = (s * hw + p) * channels;
      for (let c = 0; c < channels; c++) scale[c] += (t.data[base + c] - shift[c]) ** 2;
    }
  }
  for (let c = 0; c < channels; c++) {
    const std = Math.sqrt(scale[c] / (samples.length * hw));
    scale[c] = std > 1e-12 * (Math.abs(shift[c]) + 1) ? 1 / std : 0;
  }
  return { shift, scale };
}

/** [d × C_B] solution (d = C_A·k²) → OIHW float32 [C_B, C_A, kernel, kernel], a 1×1 fit placed at the centre tap. */
function toOihw(w: Float64Array, channelsA: number, channelsB: number, k: number, kernel: number): Float32Array {
  const out = new Float32Array(channelsB * channelsA * kernel * kernel);
  const centre = k === kernel ? 0 : (kernel * kernel - 1) >> 1;
  for (let o = 0; o < channelsB; o++) {
    for (let i = 0; i < channelsA; i++) {
      for (let tap = 0; tap < k * k; tap++) {
        out[(o * channelsA + i) * kernel * kernel + tap + centre] = w[(i * k * k + tap) * channelsB + o];
      }
    }
  }
  return out;
}
