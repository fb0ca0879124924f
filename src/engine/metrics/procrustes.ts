/**
 * Orthogonal Procrustes distance (Ding et al. 2021): d(X, Y) = 2 − 2‖XᵀY‖_* for column-centred X [n × p],
 * Y [n × q] scaled to unit Frobenius norm, on per-sample flattened features. 0 = identical up to a rotation
 * (and isotropic scale), 2 = orthogonal. Similarity, not knowledge consistency.
 *
 * The nuclear norm is Σ√eig of a small symmetric matrix: (XᵀY)ᵀ(XᵀY) when min(p, q) ≤ n, otherwise through the
 * Grams, ‖XᵀY‖_* = Σ√eig(S·Uᵀ·L·U·S) with K = XXᵀ = U·S²·Uᵀ. The eigenproblem is cubic in its size, so beyond
 * PROCRUSTES_MAX_SAMPLES samples (when both p and q exceed them) a seeded subset of samples is used.
 */
import { ShapeMismatchError } from '../errors';
import { abT, transpose } from '../linalg/dense';
import { eigh } from '../linalg/eigh';
import { capRows } from '../linalg/patches';
import type { FeatureTensor } from '../tensor';
import { centredTranspose } from './cka';
import { centreGram, gram } from './gram';
import { perSample, type DataMatrix } from './views';

export const PROCRUSTES_MAX_SAMPLES = 500;

export function procrustesDistance(a: FeatureTensor, b: FeatureTensor): number {
  let x = perSample(a);
  let y = perSample(b);
  if (x.rows !== y.rows) {
    throw new ShapeMismatchError(`features of A have ${x.rows} samples and B ${y.rows}: use the same probe inputs for both`);
  }
  if (Math.min(x.cols, y.cols) > PROCRUSTES_MAX_SAMPLES && x.rows > PROCRUSTES_MAX_SAMPLES) {
    const ids = capRows(Int32Array.from({ length: x.rows }, (_, i) => i), PROCRUSTES_MAX_SAMPLES, 0);
    x = selectRows(x, ids);
    y = selectRows(y, ids);
  }
  const { nuclear, normX, normY } = Math.min(x.cols, y.cols) <= x.rows ? viaCovariance(x, y) : viaGrams(x, y);
  if (!(normX > 0 && normY > 0)) return normX > 0 || normY > 0 ? 2 : 0;
  return Math.max(0, 2 - (2 * nuclear) / Math.sqrt(normX * normY));
}

/** ‖XᵀY‖_* and ‖X‖²_F, ‖Y‖²_F of the centred data, via the p × q cross-covariance. */
function viaCovariance(x: DataMatrix, y: DataMatrix): { nuclear: number; normX: number; normY: number } {
  const xt = centredTranspose(x);
  const yt = centredTranspose(y);
  const n = x.rows;
  const xy = abT(xt, x.cols, yt, y.cols, n); // [p × q]
  const small = x.cols <= y.cols ? abT(xy, x.cols, xy, x.cols, y.cols, true) : (() => {
    const yx = transpose(xy, x.cols, y.cols);
    return abT(yx, y.cols, yx, y.cols, x.cols, true);
  })();
  return { nuclear: sumRoots(small, Math.min(x.cols, y.cols)), normX: sumSquares(xt), normY: sumSquares(yt) };
}

/** Same through the centred Grams K, L (n × n): S·Uᵀ·L·U·S has the squared singular values of XᵀY. */
function viaGrams(x: DataMatrix, y: DataMatrix): { nuclear: number; normX: number; normY: number } {
  const n = x.rows;
  const k = centreGram(gram(x), n);
  const l = centreGram(gram(y), n);
  const { values, vectors } = eigh(k, n);
  let kept = 0;
  while (kept < n && values[kept] > 1e-12 * values[0]) kept++;
  const us = new Float64Array(kept * n); // rows: √λᵢ·uᵢ
  for (let i = 0; i < kept; i++) {
    const root = Math.sqrt(values[i]);
    for (let j = 0; j < n; j++) us[i * n + j] = vectors[i * n + j] * root;
  }
  const lus = abT(l, n, us, kept, n); // [n × kept] = L·U·S
  const m = abT(us, kept, transpose(lus, n, kept), kept, n, true); // S·Uᵀ·L·U·S
  return { nuclear: sumRoots(m, kept), normX: traceOf(k, n), normY: traceOf(l, n) };
}

function sumRoots(symmetric: Float64Array, dim: number): number {
  return eigh(symmetric, dim).values.reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return s;
}

function traceOf(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += m[i * n + i];
  return s;
}

function selectRows(x: DataMatrix, ids: Int32Array): DataMatrix {
  const data = new Float32Array(ids.length * x.cols);
  ids.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { rows: ids.length, cols: x.cols, data };
}
