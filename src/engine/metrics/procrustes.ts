/**
 * Orthogonal Procrustes distance (Ding et al. 2021): d(X, Y) = 2 − 2‖XᵀY‖_* for column-centred X [n × p],
 * Y [n × q] scaled to unit Frobenius norm, on per-sample flattened features. 0 = identical up to a rotation
 * (and isotropic scale), 2 = orthogonal. Similarity, not knowledge consistency.
 *
 * ‖XᵀY‖_* = Σ√eig of a small symmetric matrix: (XᵀY)ᵀ(XᵀY) when min(p, q) is small, otherwise through the
 * Grams, Σ√eig(S·Uᵀ·L·U·S) with K = XXᵀ = U·S²·Uᵀ. The eigenproblem is cubic in its size, so it never exceeds
 * PROCRUSTES_MAX_SIZE: with more samples and wider features, a seeded subset of that many samples is used.
 */
import { abT, transpose } from '../linalg/dense';
import { eigh } from '../linalg/eigh';
import { capRows } from '../linalg/patches';
import type { FeatureTensor } from '../tensor';
import { centredTranspose, checkSamples } from './cka';
import { centreGram, gram, subMatrix } from './gram';
import { perSample, type DataMatrix } from './views';

export const PROCRUSTES_MAX_SIZE = 500;

/** Whether the p × q cross-covariance route applies (else the Gram route, possibly on a subset of samples). */
export function procrustesByCovariance(n: number, p: number, q: number): boolean {
  return Math.min(p, q) <= Math.min(n, PROCRUSTES_MAX_SIZE);
}

/** The samples the Gram route uses: all, or a seeded subset of PROCRUSTES_MAX_SIZE. */
export function procrustesSamples(n: number): Int32Array {
  return capRows(Int32Array.from({ length: n }, (_, i) => i), PROCRUSTES_MAX_SIZE, 0);
}

export function procrustesDistance(a: FeatureTensor, b: FeatureTensor): number {
  const x = perSample(a);
  const y = perSample(b);
  checkSamples(x, y);
  if (procrustesByCovariance(x.rows, x.cols, y.cols)) return viaCovariance(x, y);
  const ids = procrustesSamples(x.rows);
  const xs = selectRows(x, ids);
  const ys = selectRows(y, ids);
  return procrustesFromGrams(gram(xs), gram(ys), ids.length);
}

/** From n × n Grams (centred here, in place). */
export function procrustesFromGrams(k: Float64Array, l: Float64Array, n: number): number {
  centreGram(k, n);
  centreGram(l, n);
  const { values, vectors } = eigh(k, n);
  let kept = 0;
  while (kept < n && values[kept] > 1e-12 * values[0]) kept++;
  const us = new Float64Array(kept * n); // rows √λᵢ·uᵢ, i.e. (U·S)ᵀ
  for (let i = 0; i < kept; i++) {
    const root = Math.sqrt(values[i]);
    for (let j = 0; j < n; j++) us[i * n + j] = vectors[i * n + j] * root;
  }
  const lus = abT(l, n, us, kept, n); // [n × kept] = L·U·S
  const m = abT(us, kept, transpose(lus, n, kept), kept, n, true); // S·Uᵀ·L·U·S
  return distance(sumRoots(m, kept), trace(k, n), trace(l, n));
}

/** Using just the given samples' Grams (rows/columns `ids` of full n × n Grams), e.g. procrustesSamples(n). */
export function procrustesFromGramSubset(k: Float64Array, l: Float64Array, n: number, ids: Int32Array): number {
  return procrustesFromGrams(subMatrix(k, n, ids), subMatrix(l, n, ids), ids.length);
}

function viaCovariance(x: DataMatrix, y: DataMatrix): number {
  const xt = centredTranspose(x);
  const yt = centredTranspose(y);
  const xy = abT(xt, x.cols, yt, y.cols, x.rows); // [p × q]
  let small: Float64Array;
  if (x.cols <= y.cols) {
    small = abT(xy, x.cols, xy, x.cols, y.cols, true);
  } else {
    const yx = transpose(xy, x.cols, y.cols);
    small = abT(yx, y.cols, yx, y.cols, x.cols, true);
  }
  return distance(sumRoots(small, Math.min(x.cols, y.cols)), sumSquares(xt), sumSquares(yt));
}

/** 2 − 2·(nuclear norm of XᵀY)/(‖X‖·‖Y‖); a constant side is "orthogonal" to anything that varies (2), two constants 0. */
function distance(nuclear: number, normX2: number, normY2: number): number {
  if (!(normX2 > 0 && normY2 > 0)) return normX2 > 0 || normY2 > 0 ? 2 : 0;
  return Math.max(0, 2 - (2 * nuclear) / Math.sqrt(normX2 * normY2));
}

function sumRoots(symmetric: Float64Array, dim: number): number {
  return eigh(symmetric, dim).values.reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return s;
}

function trace(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += m[i * n + i];
  return s;
}

function selectRows(x: DataMatrix, ids: Int32Array): DataMatrix {
  const data = new Float32Array(ids.length * x.cols);
  ids.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { rows: ids.length, cols: x.cols, data };
}
