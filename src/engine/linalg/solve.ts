/**
 * Ridge solutions (A + λᵢ·I)⁻¹·B for several λᵢ at once, A symmetric positive semi-definite [d × d], B [d × m]:
 * one eigendecomposition A = Q·Λ·Qᵀ, then (A + λI)⁻¹B = Q·(Λ + λI)⁻¹·QᵀB — two products per λ instead of a
 * factorisation and 2·d²·m substitutions each. A single λ uses Cholesky; with many right-hand sides (m > d) it
 * forms the inverse once and multiplies (a product, so on onnxruntime under runAsync).
 */
import { solveSpd, transpose } from './dense';
import { eigh } from './eigh';
import { product, type Computation } from './products';

export function* solveRidge(a: Float64Array, d: number, b: Float64Array, m: number, lambdas: readonly number[]): Computation<Float64Array[]> {
  if (lambdas.length === 1) {
    if (m <= d) return [solveSpd(a, d, b, m, lambdas[0])];
    const identity = new Float64Array(d * d);
    for (let i = 0; i < d; i++) identity[i * d + i] = 1;
    const inverse = solveSpd(a, d, identity, d, lambdas[0]); // symmetric, so it is its own transpose
    return [yield product(inverse, d, transpose(b, d, m), m, d)];
  }
  const { values, vectors } = eigh(a, d); // rows of `vectors` = Qᵀ
  const qtb = yield product(vectors, d, transpose(b, d, m), m, d); // QᵀB [d × m]
  const q = transpose(vectors, d, d);
  const out: Float64Array[] = [];
  for (const lambda of lambdas) {
    const scaledT = new Float64Array(m * d); // ((Λ + λI)⁻¹QᵀB)ᵀ [m × d]
    for (let i = 0; i < d; i++) {
      const inv = 1 / (Math.max(values[i], 0) + lambda);
      for (let j = 0; j < m; j++) scaledT[j * d + i] = qtb[i * m + j] * inv;
    }
    out.push(yield product(q, d, scaledT, m, d));
  }
  return out;
}
