/**
 * Primal ridge (more patch rows than features): the sufficient statistics of a set of rows — XᵀX, XᵀY, Σx, Σy,
 * Σy² — accumulated in blocks; solving for each λ and scoring held-out rows then need no further pass.
 */
import { trace, transpose } from './dense';
import { patchesT, targetsT } from './patches';
import { product, type Computation } from './products';
import { explainedFromSums, type Problem } from './ridge-problem';
import { solveRidge } from './solve';

/** Values per block of transposed patches ([d × rows] float64, 32 MB). */
const BLOCK_VALUES = 1 << 22;

export interface Stats {
  count: number;
  xx: Float64Array;
  xy: Float64Array;
  sx: Float64Array;
  sy: Float64Array;
  syy: Float64Array;
}

export function* statsOf(p: Problem, ids: Int32Array): Computation<Stats> {
  const s: Stats = {
    count: ids.length,
    xx: new Float64Array(p.d * p.d),
    xy: new Float64Array(p.d * p.cOut),
    sx: new Float64Array(p.d),
    sy: new Float64Array(p.cOut),
    syy: new Float64Array(p.cOut),
  };
  const blockRows = Math.max(256, Math.floor(BLOCK_VALUES / p.d));
  for (let start = 0; start < ids.length; start += blockRows) {
    const end = Math.min(ids.length, start + blockRows);
    const m = end - start;
    const pt = patchesT(p.x, p.k, ids, start, end, p.affine);
    const yt = targetsT(p.y, ids, start, end, p.shiftY);
    addInto(s.xx, yield product(pt, p.d, pt, p.d, m, true));
    addInto(s.xy, yield product(pt, p.d, yt, p.cOut, m));
    rowSums(pt, p.d, m, s.sx);
    rowSums(yt, p.cOut, m, s.sy);
    for (let c = 0; c < p.cOut; c++) for (let r = 0; r < m; r++) s.syy[c] += yt[c * m + r] ** 2;
  }
  return s;
}

export function sumStats(a: Stats, b: Stats): Stats {
  const add = (u: Float64Array, v: Float64Array) => u.map((x, i) => x + v[i]);
  return {
    count: a.count + b.count,
    xx: add(a.xx, b.xx),
    xy: add(a.xy, b.xy),
    sx: add(a.sx, b.sx),
    sy: add(a.sy, b.sy),
    syy: add(a.syy, b.syy),
  };
}

/** [d × C_B] weights for each relative ridge: (XᵀX + λ·tr(XᵀX)/d·I)⁻¹XᵀY. */
export function* solveStats(s: Stats, p: Problem, lambdas: readonly number[]): Computation<Float64Array[]> {
  const scale = trace(s.xx, p.d) / p.d;
  return yield* solveRidge(
    s.xx,
    p.d,
    s.xy,
    p.cOut,
    lambdas.map((l) => l * scale),
  );
}

/**
 * Explained fraction of W on the rows the statistics came from: per channel c, Σr² = Σy² − 2·w_cᵀ(XᵀY)_c +
 * w_cᵀ(XᵀX)w_c and Σr = Σy − w_cᵀΣx.
 */
export function* explainedFromStats(s: Stats, p: Problem, w: Float64Array): Computation<number> {
  const gw = yield product(s.xx, p.d, transpose(w, p.d, p.cOut), p.cOut, p.d); // (XᵀX)·W [d × C_B]
  const sr = new Float64Array(p.cOut);
  const srr = new Float64Array(p.cOut);
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
    sr[c] = s.sy[c] - wsx;
    srr[c] = s.syy[c] - 2 * wxy + wgw;
  }
  return explainedFromSums(s.count, s.sy, s.syy, sr, srr);
}

function addInto(acc: Float64Array, v: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += v[i];
}

/** out[i] += Σ_r a[i·m + r] for a [rows × m] matrix. */
function rowSums(a: Float64Array, rows: number, m: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let acc = 0;
    for (let r = 0; r < m; r++) acc += a[i * m + r];
    out[i] += acc;
  }
}
