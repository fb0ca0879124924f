/**
 * Gram matrices of per-sample feature rows, the shared currency of the CKA estimators and of Procrustes when
 * features outnumber samples: K = X·Xᵀ. Centring the Gram (H·K·H) equals centring the features first.
 * Small products run in float64 plain loops (exact enough to match NumPy to 1e-9); big ones on onnxruntime in
 * float32 (≈3e-6 relative, 30–60× faster), after subtracting the column means so float32 loses nothing to offsets.
 */
import { abT } from '../linalg/dense';
import { ortCentredGram, ortColumnMeans } from '../linalg/ort-gram';
import type { DataMatrix } from './views';

/** Products of at least this many multiply-adds go to onnxruntime. */
export const ORT_GRAM_MIN_MACS = 2e6;

/** K = X·Xᵀ over rows [start, end) of X: an [m × m] float64 matrix, m = end − start (plain loops). */
export function gram(x: DataMatrix, start = 0, end = x.rows): Float64Array {
  const rows = x.data.subarray(start * x.cols, end * x.cols);
  return abT(rows, end - start, rows, end - start, x.cols, true);
}

/**
 * Gram of rows [start, end) of X − 1·μᵀ (μ = `mean`, usually the column means over all rows). On onnxruntime
 * when the product is big (see ORT_GRAM_MIN_MACS), else in plain loops.
 */
export async function centredGram(x: DataMatrix, mean: Float64Array, start = 0, end = x.rows): Promise<Float64Array> {
  const m = end - start;
  if (m * m * x.cols < ORT_GRAM_MIN_MACS) return shiftedGram(x, mean, start, end);
  const rows = x.data.subarray(start * x.cols, end * x.cols);
  return ortCentredGram(rows, m, x.cols, Float32Array.from(mean));
}

/**
 * Column means to centre with before a Gram (onnxruntime for big layers). Any shift works for the estimators
 * (the biased one re-centres the Gram in float64, HSIC₁ ignores offsets): this only keeps float32 products small.
 */
export async function centringShift(x: DataMatrix): Promise<Float64Array> {
  if (x.rows * x.cols < 1 << 20) return columnMeans(x);
  return Float64Array.from(await ortColumnMeans(x.data, x.rows, x.cols));
}

/** H·K·H with H = I − 11ᵀ/m, in place: K_ij − r_i − r_j + s (r = row means, s = grand mean). */
export function centreGram(k: Float64Array, m: number): Float64Array {
  const r = new Float64Array(m);
  let s = 0;
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let j = 0; j < m; j++) acc += k[i * m + j];
    r[i] = acc / m;
    s += acc;
  }
  s /= m * m;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) k[i * m + j] += s - r[i] - r[j];
  return k;
}

/** The square block [start, end) × [start, end) of an [n × n] matrix. */
export function diagonalBlock(k: Float64Array, n: number, start: number, end: number): Float64Array {
  const m = end - start;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) out.set(k.subarray((start + i) * n + start, (start + i) * n + end), i * m);
  return out;
}

/** Σ_ij K_ij·L_ij, the Frobenius inner product. */
export function frobenius(k: Float64Array, l: Float64Array): number {
  let s = 0;
  for (let i = 0; i < k.length; i++) s += k[i] * l[i];
  return s;
}

/** Column means of X over all rows. */
export function columnMeans(x: DataMatrix): Float64Array {
  const mean = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) {
    const base = r * x.cols;
    for (let c = 0; c < x.cols; c++) mean[c] += x.data[base + c];
  }
  for (let c = 0; c < x.cols; c++) mean[c] /= x.rows;
  return mean;
}

/**
 * Gram of rows [start, end) after subtracting `mean` from every row, in plain loops without copying X:
 * (xᵢ − μ)·(xⱼ − μ) = Kᵢⱼ − xᵢ·μ − xⱼ·μ + μ·μ.
 */
export function shiftedGram(x: DataMatrix, mean: Float64Array, start = 0, end = x.rows): Float64Array {
  const m = end - start;
  const k = gram(x, start, end);
  const proj = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const base = (start + i) * x.cols;
    let s = 0;
    for (let c = 0; c < x.cols; c++) s += x.data[base + c] * mean[c];
    proj[i] = s;
  }
  let mm = 0;
  for (const v of mean) mm += v * v;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) k[i * m + j] += mm - proj[i] - proj[j];
  return k;
}
