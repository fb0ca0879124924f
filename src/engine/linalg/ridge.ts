/**
 * Closed-form order-0 estimates: the best bias-free linear "same" convolution from A's features to B's by ridge
 * regression on k×k patches. Used by the disentangler's warm start (fitRidgeConv) and as the cheap held-out
 * "ridgeExplained" measure beside CKA (a lower bound for what the disentangler's order-0 path can explain).
 *
 * λ is relative: the ridge added to the normal equations is λ·tr(XᵀX)/d (d = C_A·k² patch features), i.e. λ
 * times the mean eigenvalue, so the same λ means the same for every layer and feature scale. With more patch rows
 * than features, the sufficient statistics (XᵀX, XᵀY, sums) are accumulated in blocks and everything else —
 * solving for each λ, held-out scores — is computed from them; otherwise the dual (Gram) form
 * W = Xᵀ(XXᵀ + λI)⁻¹Y is solved (tr(XXᵀ) = tr(XᵀX), so λ means the same in both).
 *
 * The synchronous functions accumulate in float64 plain loops over at most ≈4e9/d² patch rows; the *Async ones
 * accumulate block products on onnxruntime (float64 DGEMM: small ridges on correlated channels need the
 * precision) over up to ≈1.5e11/d² rows.
 */
import { KcError, ShapeMismatchError } from '../errors';
import { splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { abT, matmul, solveSpd, trace, transpose } from './dense';
import { matmul as ortMatmul } from '../compute/ort-matmul';
import { capRows, patchesT, rowIds, targetsT, type ChannelAffine } from './patches';

/** Candidate relative ridges for the held-out search of ridgeExplained. */
export const LAMBDA_GRID = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1] as const;

/** Multiply-adds spent on XᵀX per fit: plain loops, onnxruntime. Patch rows beyond that are a seeded subset. */
const FIT_MACS = { js: 4e9, ort: 1.5e11 };
/** Rows per accumulated block (plain loops), and values per block (onnxruntime). */
const BLOCK_ROWS = 2048;
const ORT_BLOCK_VALUES = 1 << 22;

type Engine = keyof typeof FIT_MACS;

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
  d: number;
  cOut: number;
  affine?: ChannelAffine;
  shiftY?: Float64Array;
}

/** Sufficient statistics of a set of patch rows. */
interface Stats {
  count: number;
  xx: Float64Array;
  xy: Float64Array;
  sx: Float64Array;
  sy: Float64Array;
  syy: Float64Array;
}

/**
 * OIHW weight [C_B, C_A, kernel, kernel] (float32) of the bias-free "same" convolution that best maps x to y in
 * least squares with relative ridge `lambda`. No centring: the caller fits what it will use (the disentangler
 * passes standardised A and centred, scaled B). Uses all samples (patch rows capped by a cost budget).
 */
export function fitRidgeConv(x: FeatureTensor, y: FeatureTensor, kernel: 1 | 3, lambda: number): Float32Array {
  const { p, ids } = fitPlan(x, y, kernel, 'js');
  const [w] = ids.length >= p.d ? solveStats(statsJs(p, ids), p, [lambda]) : fitDual(p, ids, [lambda]);
  return toOihw(w, p, kernel);
}

/** fitRidgeConv with the normal equations accumulated on onnxruntime (more rows, much faster on big layers). */
export async function fitRidgeConvAsync(x: FeatureTensor, y: FeatureTensor, kernel: 1 | 3, lambda: number): Promise<Float32Array> {
  const { p, ids } = fitPlan(x, y, kernel, 'ort');
  const [w] = ids.length >= p.d ? solveStats(await statsOrt(p, ids), p, [lambda]) : fitDual(p, ids, [lambda]);
  return toOihw(w, p, kernel);
}

/**
 * Held-out explained fraction 1 − Var(residual)/Var(b) of the ridge convolution a → b, with the method page's
 * conventions: A standardised and B centred per channel with training-split statistics; Var = per-channel variance
 * (mean over samples and positions removed) summed over channels, on the held-out samples of
 * splitIndices(n, testFraction, seed) — the disentangler's split. λ: LAMBDA_GRID searched on a quarter of the
 * training samples held out again (seed + 1), then refitted on the whole training split. Constant B gives 0.
 */
export function ridgeExplained(a: FeatureTensor, b: FeatureTensor, options: RidgeExplainedOptions): number {
  const plan = explainedPlan(a, b, options, 'js');
  return finishExplained(plan, (ids) => statsJs(plan.p, ids));
}

/** ridgeExplained with the normal equations accumulated on onnxruntime. */
export async function ridgeExplainedAsync(a: FeatureTensor, b: FeatureTensor, options: RidgeExplainedOptions): Promise<number> {
  const plan = explainedPlan(a, b, options, 'ort');
  const stats = new Map<Int32Array, Stats>();
  if (!plan.dual) for (const ids of plan.statSets) stats.set(ids, await statsOrt(plan.p, ids));
  return finishExplained(plan, (ids) => stats.get(ids)!);
}

function fitPlan(x: FeatureTensor, y: FeatureTensor, kernel: 1 | 3, engine: Engine): { p: Problem; ids: Int32Array } {
  checkPair(x, y);
  const [n, height, width] = x.shape;
  const p = problem(x, y, effectiveKernel(kernel, height, width));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return { p, ids: capRows(rowIds(all, height, width), defaultMaxRows(p.d, engine), 0) };
}

interface ExplainedPlan {
  p: Problem;
  lambda?: number;
  /** Row sets: inner fit and validation (λ search), training, test. */
  fit: Int32Array;
  val: Int32Array;
  train: Int32Array;
  test: Int32Array;
  dual: boolean;
  /** The row sets whose statistics finishExplained reads (primal form). */
  statSets: Int32Array[];
}

function explainedPlan(a: FeatureTensor, b: FeatureTensor, options: RidgeExplainedOptions, engine: Engine): ExplainedPlan {
  checkPair(a, b);
  const [, height, width] = a.shape;
  const split = splitIndices(a.shape[0], options.testFraction, options.seed);
  const p = problem(a, b, effectiveKernel(options.kernel, height, width), standardiser(a, split.train), channelMeans(b, split.train));
  const maxRows = options.maxRows ?? defaultMaxRows(p.d, engine);
  const rows = (samples: Int32Array, seed: number): Int32Array => capRows(rowIds(samples, height, width), maxRows, seed);
  const inner = splitIndices(split.train.length, 0.25, options.seed + 1);
  const fit = rows(inner.train.map((i) => split.train[i]), options.seed + 2);
  const val = rows(inner.test.map((i) => split.train[i]), options.seed + 3);
  const train = rows(split.train, options.seed + 4);
  const test = rows(split.test, options.seed + 5);
  const dual = train.length < p.d;
  // Primal with a λ search: training statistics = inner fit + validation (no second pass over the data).
  const statSets = options.lambda === undefined ? [fit, val, test] : [train, test];
  return { p, lambda: options.lambda, fit, val, train, test, dual, statSets };
}

function finishExplained(plan: ExplainedPlan, statsOf: (ids: Int32Array) => Stats): number {
  const { p } = plan;
  if (plan.dual) {
    let lambda = plan.lambda;
    if (lambda === undefined) {
      const scores = fitDual(p, plan.fit, [...LAMBDA_GRID]).map((w) => explainedOn(p, plan.val, w));
      lambda = LAMBDA_GRID[scores.indexOf(Math.max(...scores))];
    }
    return explainedOn(p, plan.test, fitDual(p, plan.train, [lambda])[0]);
  }
  let train: Stats;
  let lambda = plan.lambda;
  if (lambda === undefined) {
    const fit = statsOf(plan.fit);
    const val = statsOf(plan.val);
    const scores = solveStats(fit, p, [...LAMBDA_GRID]).map((w) => explainedFromStats(val, p, w));
    lambda = LAMBDA_GRID[scores.indexOf(Math.max(...scores))];
    train = sumStats(fit, val);
  } else {
    train = statsOf(plan.train);
  }
  const [w] = solveStats(train, p, [lambda]);
  return explainedFromStats(statsOf(plan.test), p, w);
}

function problem(x: FeatureTensor, y: FeatureTensor, k: number, affine?: ChannelAffine, shiftY?: Float64Array): Problem {
  return { x, y, k, d: x.shape[3] * k * k, cOut: y.shape[3], affine, shiftY };
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

function defaultMaxRows(d: number, engine: Engine): number {
  return Math.max(2 * d, Math.min(1 << 20, Math.floor(FIT_MACS[engine] / (d * d))));
}

function emptyStats(p: Problem): Stats {
  return {
    count: 0,
    xx: new Float64Array(p.d * p.d),
    xy: new Float64Array(p.d * p.cOut),
    sx: new Float64Array(p.d),
    sy: new Float64Array(p.cOut),
    syy: new Float64Array(p.cOut),
  };
}

/** Adds a block's row sums (Σx, Σy, Σy²) and count; the products are added by the caller. */
function addSums(s: Stats, pt: Float32Array | Float64Array, yt: Float32Array | Float64Array, p: Problem, m: number): void {
  s.count += m;
  for (let f = 0; f < p.d; f++) {
    let acc = 0;
    for (let r = 0; r < m; r++) acc += pt[f * m + r];
    s.sx[f] += acc;
  }
  for (let c = 0; c < p.cOut; c++) {
    let acc = 0;
    let sq = 0;
    for (let r = 0; r < m; r++) {
      const v = yt[c * m + r];
      acc += v;
      sq += v * v;
    }
    s.sy[c] += acc;
    s.syy[c] += sq;
  }
}

function statsJs(p: Problem, ids: Int32Array): Stats {
  const s = emptyStats(p);
  for (let start = 0; start < ids.length; start += BLOCK_ROWS) {
    const end = Math.min(ids.length, start + BLOCK_ROWS);
    const pt = patchesT(p.x, p.k, ids, start, end, p.affine);
    const yt = targetsT(p.y, ids, start, end, p.shiftY);
    abT(pt, p.d, pt, p.d, end - start, true, s.xx);
    abT(pt, p.d, yt, p.cOut, end - start, false, s.xy);
    addSums(s, pt, yt, p, end - start);
  }
  return s;
}

async function statsOrt(p: Problem, ids: Int32Array): Promise<Stats> {
  const s = emptyStats(p);
  const blockRows = Math.max(256, Math.floor(ORT_BLOCK_VALUES / p.d));
  for (let start = 0; start < ids.length; start += blockRows) {
    const end = Math.min(ids.length, start + blockRows);
    const m = end - start;
    const pt = patchesT(p.x, p.k, ids, start, end, p.affine);
    const yt = targetsT(p.y, ids, start, end, p.shiftY);
    const xx = await ortMatmul(pt, pt, p.d, m, p.d, { transB: true });
    const xy = await ortMatmul(pt, yt, p.d, m, p.cOut, { transB: true });
    for (let i = 0; i < xx.length; i++) s.xx[i] += xx[i];
    for (let i = 0; i < xy.length; i++) s.xy[i] += xy[i];
    addSums(s, pt, yt, p, m);
  }
  return s;
}

function sumStats(a: Stats, b: Stats): Stats {
  const add = (u: Float64Array, v: Float64Array) => u.map((x, i) => x + v[i]);
  return { count: a.count + b.count, xx: add(a.xx, b.xx), xy: add(a.xy, b.xy), sx: add(a.sx, b.sx), sy: add(a.sy, b.sy), syy: add(a.syy, b.syy) };
}

/** [d × C_B] weights for each relative ridge (primal normal equations). */
function solveStats(s: Stats, p: Problem, lambdas: number[]): Float64Array[] {
  const scale = trace(s.xx, p.d) / p.d;
  return lambdas.map((l) => solveSpd(s.xx, p.d, s.xy, p.cOut, l * scale));
}

/**
 * 1 − Var(y − Wᵀx)/Var(y) from the statistics of the evaluation rows: per channel c,
 * Σr² = Σy² − 2·w_cᵀ(XᵀY)_c + w_cᵀ(XᵀX)w_c and Σr = Σy − w_cᵀΣx; variances remove each channel's mean.
 */
function explainedFromStats(s: Stats, p: Problem, w: Float64Array): number {
  const gw = matmul(s.xx, w, p.d, p.d, p.cOut);
  let varY = 0;
  let varRes = 0;
  for (let c = 0; c < p.cOut; c++) {
    let wxy = 0;
    let wgw = 0;
    let wsx = 0;
    for (let f = 0; f < p.d; f++) {
      const wf = w[f * p.cOut + c];
      wxy += wf * s.xy[f * p.cOut + c];
      wgw += wf * gw[f * p.cOut + c];
      wsx += wf * s.sx[f];
    }
    const meanY = s.sy[c] / s.count;
    const meanR = (s.sy[c] - wsx) / s.count;
    varY += s.syy[c] / s.count - meanY * meanY;
    varRes += (s.syy[c] - 2 * wxy + wgw) / s.count - meanR * meanR;
  }
  return varY > 0 ? 1 - Math.max(varRes, 0) / varY : 0;
}

/** Dual form for fewer rows r than features d: (XXᵀ + λI)α = Y, W = Xᵀα, one r × r Gram for every λ. */
function fitDual(p: Problem, ids: Int32Array, lambdas: number[]): Float64Array[] {
  const r = ids.length;
  const pt = patchesT(p.x, p.k, ids, 0, r, p.affine);
  const rowsX = transpose(pt, p.d, r);
  const gram = abT(rowsX, r, rowsX, r, p.d, true);
  const targets = transpose(targetsT(p.y, ids, 0, r, p.shiftY), p.cOut, r);
  const scale = trace(gram, r) / p.d;
  return lambdas.map((l) => matmul(pt, solveSpd(gram, r, targets, p.cOut, l * scale), p.d, r, p.cOut));
}

/** 1 − Var(y − ŷ)/Var(y) from predictions on the given rows (the dual form has no d × d statistics). */
function explainedOn(p: Problem, ids: Int32Array, w: Float64Array): number {
  const wT = transpose(w, p.d, p.cOut);
  const sums = new Float64Array(4 * p.cOut); // Σy, Σy², Σr, Σr² per channel
  for (let start = 0; start < ids.length; start += BLOCK_ROWS) {
    const end = Math.min(ids.length, start + BLOCK_ROWS);
    const m = end - start;
    const pred = abT(wT, p.cOut, transpose(patchesT(p.x, p.k, ids, start, end, p.affine), p.d, m), m, p.d);
    const yt = targetsT(p.y, ids, start, end, p.shiftY);
    for (let c = 0; c < p.cOut; c++) {
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
  for (let c = 0; c < p.cOut; c++) {
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
