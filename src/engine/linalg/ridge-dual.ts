/**
 * Dual ridge (fewer patch rows r than features d, e.g. wide dense layers on few probes): (XXᵀ + λI)α = Y with the
 * r × r Gram, W = Xᵀα only when the weights themselves are wanted; held-out rows are scored through the
 * cross-Gram X_eval·Xᵀ, never through the d × C_B weights.
 */
import { trace, transpose } from './dense';
import { patchesT, targetsT } from './patches';
import { product, type Computation } from './products';
import { explainedFromSums, type Problem } from './ridge-problem';
import { solveRidge } from './solve';

export interface DualFit {
  /** The fit rows' patches [r × d]. */
  rows: Float64Array;
  r: number;
  /** α [r × C_B] for each λ. */
  alphas: Float64Array[];
}

/** λ relative to tr(XXᵀ)/d = tr(XᵀX)/d, the same scale as the primal form. */
export function* fitDual(p: Problem, ids: Int32Array, lambdas: readonly number[]): Computation<DualFit> {
  const r = ids.length;
  const rows = transpose(patchesT(p.x, p.k, ids, 0, r, p.affine), p.d, r);
  const gram = yield product(rows, r, rows, r, p.d, true);
  const targets = transpose(targetsT(p.y, ids, 0, r, p.shiftY), p.cOut, r);
  const scale = trace(gram, r) / p.d;
  return {
    rows,
    r,
    alphas: yield* solveRidge(
      gram,
      r,
      targets,
      p.cOut,
      lambdas.map((l) => l * scale),
    ),
  };
}

/** W = Xᵀα [d × C_B] for the i-th λ. */
export function* dualWeights(fit: DualFit, p: Problem, i: number): Computation<Float64Array> {
  return yield product(transpose(fit.rows, fit.r, p.d), p.d, transpose(fit.alphas[i], fit.r, p.cOut), p.cOut, fit.r);
}

/** Explained fraction on the rows `ids` for every λ of the fit. */
export function* dualExplained(fit: DualFit, p: Problem, ids: Int32Array): Computation<number[]> {
  const e = ids.length;
  const rows = transpose(patchesT(p.x, p.k, ids, 0, e, p.affine), p.d, e);
  const cross = yield product(rows, e, fit.rows, fit.r, p.d); // [e × r]
  const yt = targetsT(p.y, ids, 0, e, p.shiftY); // [C_B × e]
  const scores: number[] = [];
  for (const alpha of fit.alphas) {
    const pred = yield product(transpose(alpha, fit.r, p.cOut), p.cOut, cross, e, fit.r); // [C_B × e]
    const sy = new Float64Array(p.cOut);
    const syy = new Float64Array(p.cOut);
    const sr = new Float64Array(p.cOut);
    const srr = new Float64Array(p.cOut);
    for (let c = 0; c < p.cOut; c++) {
      for (let i = 0; i < e; i++) {
        const y = yt[c * e + i];
        const res = y - pred[c * e + i];
        sy[c] += y;
        syy[c] += y * y;
        sr[c] += res;
        srr[c] += res * res;
      }
    }
    scores.push(explainedFromSums(e, sy, syy, sr, srr));
  }
  return scores;
}
