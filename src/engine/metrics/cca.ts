/**
 * SVCCA (Raghu et al. 2017) and PWCCA (Morcos et al. 2018) from the joint covariance of X [rows × p] and
 * Y [rows × q] (see views.ts for what rows are). CCA in covariance form: with Cxx = V·Λ·Vᵀ and the whitening
 * Wx = Λₖ^(-1/2)·Vₖᵀ over the kept eigen-directions, the canonical correlations are the singular values of
 * T = Wx·Cxy·Wyᵀ (Press 2011 does the same through the SVD of the data).
 * Kept directions: SVCCA keeps the fewest top directions reaching 99 % of the variance; PWCCA keeps every direction
 * whose variance exceeds 1e-10 of the largest (dead or duplicate units would make Cxx singular).
 */
import { abT, matmul, transpose } from '../linalg/dense';
import { eigh, eigvalsh } from '../linalg/eigh';
import { capRows } from '../linalg/patches';
import { product, runAsync, runSync, type Computation } from '../linalg/products';
import type { DataMatrix } from './views';

/** Fraction of variance the SVCCA reduction keeps (Raghu et al. 2017). */
export const SVCCA_KEEP = 0.99;
/** Observations used for the covariances (a seeded subset beyond this): plenty for a few hundred neurons. */
export const CCA_MAX_ROWS = 65536;
const RANK_TOL = 1e-10;
const BLOCK_ROWS = 8192;

export interface Covariances {
  p: number;
  q: number;
  xx: Float64Array;
  yy: Float64Array;
  xy: Float64Array;
}

/** Centred covariances (divided by the number of rows) over at most CCA_MAX_ROWS rows, in float64 plain loops. */
export function covariances(x: DataMatrix, y: DataMatrix): Covariances {
  return runSync(covarianceProducts(x, y));
}

/** The same with the block products on onnxruntime (DGEMM) when big. */
export function covariancesAsync(x: DataMatrix, y: DataMatrix): Promise<Covariances> {
  return runAsync(covarianceProducts(x, y));
}

function* covarianceProducts(x: DataMatrix, y: DataMatrix): Computation<Covariances> {
  const all = Int32Array.from({ length: x.rows }, (_, i) => i);
  const ids = capRows(all, CCA_MAX_ROWS, 0);
  const mx = columnMeans(x, ids);
  const my = columnMeans(y, ids);
  const { cols: p } = x;
  const { cols: q } = y;
  const xx = new Float64Array(p * p);
  const yy = new Float64Array(q * q);
  const xy = new Float64Array(p * q);
  for (let start = 0; start < ids.length; start += BLOCK_ROWS) {
    const end = Math.min(ids.length, start + BLOCK_ROWS);
    const xt = centredBlockT(x, ids, start, end, mx);
    const yt = centredBlockT(y, ids, start, end, my);
    addInto(xx, yield product(xt, p, xt, p, end - start, true));
    addInto(yy, yield product(yt, q, yt, q, end - start, true));
    addInto(xy, yield product(xt, p, yt, q, end - start));
  }
  for (const m of [xx, yy, xy]) for (let i = 0; i < m.length; i++) m[i] /= ids.length;
  return { p, q, xx, yy, xy };
}

function addInto(acc: Float64Array, v: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += v[i];
}

/** SVCCA: mean canonical correlation after keeping 99 % of each side's variance. */
export function svccaFromCov(c: Covariances): number {
  const wx = whitening(c.xx, c.p, keepVariance);
  const wy = whitening(c.yy, c.q, keepVariance);
  return mean(canonical(c, wx, wy, false).rho);
}

/**
 * PWCCA: Σᵢ wᵢ·ρᵢ, wᵢ ∝ Σⱼ |⟨zᵢ/‖zᵢ‖, xⱼ⟩| — how much of the neurons xⱼ of the side with fewer directions the
 * canonical variate zᵢ accounts for (Morcos et al. 2018). With Wx·Cxx·Wxᵀ = I, ⟨zᵢ/‖zᵢ‖, xⱼ⟩ ∝ (uᵢᵀ·Λₖ^(1/2)·Vₖᵀ)ⱼ.
 */
export function pwccaFromCov(c: Covariances): number {
  const wx = whitening(c.xx, c.p, keepNonZero);
  const wy = whitening(c.yy, c.q, keepNonZero);
  const { rho, vectors } = canonical(c, wx, wy, true);
  const side = wx.k <= wy.k ? wx : wy;
  const loadings = matmul(vectors, side.rootT, rho.length, side.k, side.dim);
  const weights = new Float64Array(rho.length);
  for (let i = 0; i < rho.length; i++) {
    for (let j = 0; j < side.dim; j++) weights[i] += Math.abs(loadings[i * side.dim + j]);
  }
  const total = weights.reduce((s, v) => s + v, 0);
  return total > 0 ? weights.reduce((s, w, i) => s + (w / total) * rho[i], 0) : 0;
}

interface Whitening {
  /** Kept directions. */
  k: number;
  dim: number;
  /** Wx = Λₖ^(-1/2)·Vₖᵀ [k × dim]. */
  w: Float64Array;
  /** Λₖ^(1/2)·Vₖᵀ [k × dim], for PWCCA's loadings. */
  rootT: Float64Array;
}

function whitening(cov: Float64Array, dim: number, keep: (values: Float64Array) => number): Whitening {
  const { values, vectors } = eigh(cov, dim);
  const k = keep(values);
  const w = new Float64Array(k * dim);
  const rootT = new Float64Array(k * dim);
  for (let i = 0; i < k; i++) {
    const root = Math.sqrt(values[i]);
    for (let j = 0; j < dim; j++) {
      w[i * dim + j] = vectors[i * dim + j] / root;
      rootT[i * dim + j] = vectors[i * dim + j] * root;
    }
  }
  return { k, dim, w, rootT };
}

/** Top directions holding SVCCA_KEEP of the variance (at least one). */
function keepVariance(values: Float64Array): number {
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  if (!(total > 0)) return 0;
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += Math.max(values[i], 0);
    if (acc >= (SVCCA_KEEP - 1e-12) * total) return i + 1;
  }
  return values.length;
}

function keepNonZero(values: Float64Array): number {
  let k = 0;
  while (k < values.length && values[k] > RANK_TOL * values[0]) k++;
  return k;
}

/**
 * Canonical correlations ρ (descending, min(kx, ky) of them, clipped to [0, 1]) and, with `withVectors`, as rows
 * of `vectors`, the singular vectors of T on the side with fewer kept directions.
 */
function canonical(
  c: Covariances,
  wx: Whitening,
  wy: Whitening,
  withVectors: boolean,
): { rho: Float64Array; vectors: Float64Array } {
  const count = Math.min(wx.k, wy.k);
  if (count === 0) return { rho: new Float64Array(0), vectors: new Float64Array(0) };
  // T = Wx·Cxy·Wyᵀ = Wx·(Wy·Cyx)ᵀ [kx × ky], both products as A·Bᵀ.
  const wyCyx = abT(wy.w, wy.k, c.xy, c.p, c.q); // [ky × p]
  const t = abT(wx.w, wx.k, wyCyx, wy.k, c.p);
  const xSide = wx.k <= wy.k;
  const tt = xSide
    ? abT(t, wx.k, t, wx.k, wy.k, true)
    : (() => {
        const tT = transpose(t, wx.k, wy.k);
        return abT(tT, wy.k, tT, wy.k, wx.k, true);
      })();
  const { values, vectors } = withVectors
    ? eigh(tt, count)
    : { values: eigvalsh(tt, count), vectors: new Float64Array(0) };
  const rho = new Float64Array(count);
  for (let i = 0; i < count; i++) rho[i] = Math.min(1, Math.sqrt(Math.max(values[i], 0)));
  return { rho, vectors };
}

function columnMeans(x: DataMatrix, ids: Int32Array): Float64Array {
  const mean = new Float64Array(x.cols);
  for (const r of ids) for (let c = 0; c < x.cols; c++) mean[c] += x.data[r * x.cols + c];
  for (let c = 0; c < x.cols; c++) mean[c] /= ids.length;
  return mean;
}

/** Rows ids[start..end) of X, centred, as [cols × m]. */
function centredBlockT(x: DataMatrix, ids: Int32Array, start: number, end: number, mean: Float64Array): Float64Array {
  const m = end - start;
  const out = new Float64Array(x.cols * m);
  for (let r = 0; r < m; r++) {
    const src = ids[start + r] * x.cols;
    for (let c = 0; c < x.cols; c++) out[c * m + r] = x.data[src + c] - mean[c];
  }
  return out;
}

function mean(v: Float64Array): number {
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
}
