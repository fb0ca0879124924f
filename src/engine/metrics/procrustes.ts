/**
 * Orthogonal Procrustes distance (Ding et al. 2021): d(X, Y) = 2 − 2‖XᵀY‖_* for column-centred X [rows × p],
 * Y [rows × q] scaled to unit Frobenius norm. 0 = identical up to a rotation (and isotropic scale), 2 = orthogonal.
 * Similarity, not knowledge consistency.
 *
 * Observations are those of CCA (views.ts): for conv maps of equal size every (sample, position) is a row and the
 * channels are the features, so the rotation acts in channel space. With per-sample flattening of wide maps
 * (features ≫ samples) any two point clouds can be rotated onto each other and the distance says "similar" for
 * unrelated layers — the same inflation as biased CKA.
 *
 * ‖XᵀY‖_* = Σ√eig((XᵀY)ᵀ(XᵀY)) from the cross-covariance when min(p, q) ≤ PROCRUSTES_MAX_DIMS; otherwise through
 * the Grams of a seeded subset of PROCRUSTES_GRAM_ROWS rows, Σ√eig(S·Uᵀ·L·U·S) with K = XXᵀ = U·S²·Uᵀ (the
 * eigenproblems are cubic in their size).
 */
import { abT, transpose } from '../linalg/dense';
import { eigh, eigvalsh } from '../linalg/eigh';
import { capRows } from '../linalg/patches';
import type { FeatureTensor } from '../tensor';
import { covariances, type Covariances } from './cca';
import { checkSamples } from './cka';
import { centreGram, gram } from './gram';
import { scaleFree } from './scale';
import { ccaViews, perSample, type DataMatrix } from './views';

/** Largest eigenproblem of the covariance route (as CCA) … */
export const PROCRUSTES_MAX_DIMS = 1024;
/** … and the rows kept for the Gram route beyond it. */
export const PROCRUSTES_GRAM_ROWS = 500;

export function procrustesDistance(a: FeatureTensor, b: FeatureTensor): number {
  checkSamples(perSample(a), perSample(b));
  const [x, y] = ccaViews(scaleFree(a), scaleFree(b));
  if (Math.min(x.cols, y.cols) <= PROCRUSTES_MAX_DIMS) return procrustesFromCov(covariances(x, y));
  const ids = capRows(
    Int32Array.from({ length: x.rows }, (_, i) => i),
    PROCRUSTES_GRAM_ROWS,
    0,
  );
  return procrustesFromGrams(gram(selectRows(x, ids)), gram(selectRows(y, ids)), ids.length);
}

/** From the centred (co)variances: ‖XᵀY‖_* / (‖X‖·‖Y‖) = ‖Cxy‖_* / √(tr Cxx · tr Cyy). */
export function procrustesFromCov(c: Covariances): number {
  let small: Float64Array;
  if (c.p <= c.q) {
    small = abT(c.xy, c.p, c.xy, c.p, c.q, true);
  } else {
    const yx = transpose(c.xy, c.p, c.q);
    small = abT(yx, c.q, yx, c.q, c.p, true);
  }
  return distance(sumRoots(small, Math.min(c.p, c.q)), trace(c.xx, c.p), trace(c.yy, c.q));
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

/** 2 − 2·(nuclear norm)/(‖X‖·‖Y‖); a constant side is "orthogonal" to anything that varies (2), two constants 0. */
function distance(nuclear: number, normX2: number, normY2: number): number {
  if (!(normX2 > 0 && normY2 > 0)) return normX2 > 0 || normY2 > 0 ? 2 : 0;
  return Math.max(0, 2 - (2 * nuclear) / (Math.sqrt(normX2) * Math.sqrt(normY2)));
}

function sumRoots(symmetric: Float64Array, dim: number): number {
  return eigvalsh(symmetric, dim).reduce((s, v) => s + Math.sqrt(Math.max(v, 0)), 0);
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
