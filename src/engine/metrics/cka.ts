/**
 * Linear CKA, biased (Kornblith et al. 2019) and the unbiased minibatch estimator (Nguyen et al. 2021), on
 * per-sample flattened features (see views.ts). Similarity, not knowledge consistency.
 */
import { KcError, ShapeMismatchError } from '../errors';
import { abT, transpose } from '../linalg/dense';
import type { FeatureTensor } from '../tensor';
import { centreGram, columnMeans, diagonalBlock, frobenius, gram, shiftedGram } from './gram';
import { scaleFree } from './scale';
import { perSample, type DataMatrix } from './views';

/** Default minibatch size of the unbiased estimator. */
export const CKA_BATCH_SIZE = 256;

/**
 * CKA(X, Y) = ‖YᵀX‖²_F / (‖XᵀX‖_F·‖YᵀY‖_F) on column-centred X [n × p], Y [n × q] (Kornblith et al. 2019, Eq. 5).
 * Computed through the n × n Grams when n < p + q, else through the feature covariances (cost n·min(n, p+q)²).
 * A layer without variance shares nothing measurable: 0. Any scale of either side gives the same number (scale.ts).
 */
export function linearCka(a: FeatureTensor, b: FeatureTensor): number {
  const x = perSample(scaleFree(a));
  const y = perSample(scaleFree(b));
  checkSamples(x, y);
  if (x.rows < x.cols + y.cols) return ckaFromGrams(gram(x), gram(y), x.rows);
  const xt = centredTranspose(x);
  const yt = centredTranspose(y);
  const n = x.rows;
  const xy = abT(xt, x.cols, yt, y.cols, n);
  const xx = abT(xt, x.cols, xt, x.cols, n, true);
  const yy = abT(yt, y.cols, yt, y.cols, n, true);
  return ratio(frobenius(xy, xy), frobenius(xx, xx), frobenius(yy, yy));
}

/** Biased linear CKA from the two n × n Grams (centred here, in place): ⟨HKH, HLH⟩ / (‖HKH‖·‖HLH‖). */
export function ckaFromGrams(k: Float64Array, l: Float64Array, n: number): number {
  centreGram(k, n);
  centreGram(l, n);
  return ratio(frobenius(k, l), frobenius(k, k), frobenius(l, l));
}

/**
 * Unbiased linear CKA from minibatches (Nguyen et al. 2021, Eq. 3): HSIC₁ (the unbiased estimator of Song et al.
 * 2012) averaged over minibatches, CKA = mean HSIC₁(K, L) / √(mean HSIC₁(K, K) · mean HSIC₁(L, L)). The batches are
 * contiguous and nearly equal (max(1, ⌊n / batchSize⌋) of them), so with n < 2·batchSize it is the unbiased
 * estimator on all samples. HSIC₁ ignores feature offsets; the Grams are built from globally centred features
 * anyway, which changes nothing but rounding. Can be slightly negative.
 */
export function unbiasedLinearCka(a: FeatureTensor, b: FeatureTensor, batchSize = CKA_BATCH_SIZE): number {
  const x = perSample(scaleFree(a));
  const y = perSample(scaleFree(b));
  checkSamples(x, y);
  const mx = columnMeans(x);
  const my = columnMeans(y);
  return unbiasedFromBlocks(minibatches(x.rows, batchSize), (start, end) => [
    shiftedGram(x, mx, start, end),
    shiftedGram(y, my, start, end),
  ]);
}

/** The same from full n × n Grams of (globally) centred features: each minibatch is a diagonal block. */
export function unbiasedCkaFromGrams(k: Float64Array, l: Float64Array, n: number, batchSize = CKA_BATCH_SIZE): number {
  return unbiasedFromBlocks(minibatches(n, batchSize), (start, end) => [
    diagonalBlock(k, n, start, end),
    diagonalBlock(l, n, start, end),
  ]);
}

function unbiasedFromBlocks(
  batches: Array<[number, number]>,
  grams: (start: number, end: number) => [Float64Array, Float64Array],
): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (const [start, end] of batches) {
    const [k, l] = grams(start, end);
    xy += hsic1(k, l, end - start);
    xx += hsic1(k, k, end - start);
    yy += hsic1(l, l, end - start);
  }
  return ratio(xy, xx, yy);
}

/**
 * [start, end) of max(1, ⌊n / batchSize⌋) contiguous batches whose sizes differ by at most one (as numpy's
 * array_split), each of at least 4 samples (HSIC₁ divides by m − 3).
 */
export function minibatches(n: number, batchSize: number): Array<[number, number]> {
  if (n < 4) throw new KcError(`unbiased CKA needs at least 4 probe samples, got ${n}`);
  const count = Math.max(1, Math.floor(n / Math.max(batchSize, 4)));
  const base = Math.floor(n / count);
  const extra = n % count;
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * HSIC₁(K, L) = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((m−1)(m−2)) − 2/(m−2)·1ᵀK̃L̃1] / (m(m−3)), K̃ = K with its diagonal zeroed.
 */
export function hsic1(k: Float64Array, l: Float64Array, m: number): number {
  let trace = 0;
  let sumK = 0;
  let sumL = 0;
  let rowDot = 0;
  for (let i = 0; i < m; i++) {
    let rk = 0;
    let rl = 0;
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const kv = k[i * m + j];
      const lv = l[i * m + j];
      trace += kv * lv;
      rk += kv;
      rl += lv;
    }
    sumK += rk;
    sumL += rl;
    rowDot += rk * rl;
  }
  return (trace + (sumK * sumL) / ((m - 1) * (m - 2)) - (2 / (m - 2)) * rowDot) / (m * (m - 3));
}

export function checkSamples(x: DataMatrix, y: DataMatrix): void {
  if (x.rows !== y.rows) {
    throw new ShapeMismatchError(
      `features of A have ${x.rows} samples and B ${y.rows}: use the same probe inputs for both`,
    );
  }
}

/** xy / (√xx·√yy), 0 when either side has no (positive) self-similarity; xx·yy itself could overflow. */
function ratio(xy: number, xx: number, yy: number): number {
  return xx > 0 && yy > 0 ? xy / (Math.sqrt(xx) * Math.sqrt(yy)) : 0;
}

/** Column-centred Xᵀ [cols × rows] in float64. */
function centredTranspose(x: DataMatrix): Float64Array {
  const t = transpose(x.data, x.rows, x.cols);
  for (let c = 0; c < x.cols; c++) {
    let mean = 0;
    for (let r = 0; r < x.rows; r++) mean += t[c * x.rows + r];
    mean /= x.rows;
    for (let r = 0; r < x.rows; r++) t[c * x.rows + r] -= mean;
  }
  return t;
}
