/**
 * Gram matrices of per-sample feature rows, the shared currency of the CKA estimators: K = X·Xᵀ (n × n).
 * Centring the Gram (H·K·H) equals centring the features first, without copying them.
 */
import { abT } from '../linalg/dense';
import type { DataMatrix } from './views';

/** K = X·Xᵀ over rows [start, end) of X: an [m × m] float64 matrix, m = end − start. */
export function gram(x: DataMatrix, start = 0, end = x.rows): Float64Array {
  const rows = x.data.subarray(start * x.cols, end * x.cols);
  return abT(rows, end - start, rows, end - start, x.cols, true);
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
 * Gram of rows [start, end) after subtracting `mean` from every row, without copying X:
 * (xᵢ − μ)·(xⱼ − μ) = Kᵢⱼ − xᵢ·μ − xⱼ·μ + μ·μ. Estimators that ignore feature offsets (HSIC₁) use it to avoid
 * cancelling large uncentred products.
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
