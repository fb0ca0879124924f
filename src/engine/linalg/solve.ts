/**
 * Ridge solutions (A + λᵢ·I)⁻¹·B for several λᵢ, A symmetric positive semi-definite [d × d], B [d × m], by the
 * cheaper of two routes (the factorisations run in plain loops, the big products go through products.ts):
 * - a blocked Cholesky factorisation per λ (cholesky.ts: d³/3 + 2·d²·m multiply-adds, nearly all of them products);
 * - one eigendecomposition A = Q·Λ·Qᵀ in plain loops (≈ 4·d³, about ten times slower a multiply-add than the
 *   products on onnxruntime), then Q·(Λ + λI)⁻¹·QᵀB per λ: only for many λ.
 * A = 0 (every regressor constant, e.g. a constant layer A) solves to W = 0, the limit for any λ > 0: the relative
 * ridge λ·tr(A)/d is 0 there, and A + 0·I cannot be factored.
 */
import { solveSpd } from './cholesky';
import { trace, transpose } from './dense';
import { eigh } from './eigh';
import { product, type Computation } from './products';

/** The plain-loop eigendecomposition's cost per d³, in multiply-adds of products: ≈ 4·d³ at a tenth of their rate. */
const EIGEN_COST = 40;

export function* solveRidge(
  a: Float64Array,
  d: number,
  b: Float64Array,
  m: number,
  lambdas: readonly number[],
): Computation<Float64Array[]> {
  // A is positive semi-definite: a zero trace means A = 0, and then B = XᵀY = 0 too.
  if (!(trace(a, d) > 0)) return lambdas.map(() => new Float64Array(d * m));
  const perLambda = d ** 3 / 3 + 2 * d * d * m;
  if (lambdas.length * perLambda <= EIGEN_COST * d ** 3) {
    const out: Float64Array[] = [];
    for (const lambda of lambdas) out.push(yield* solveSpd(a, d, b, m, lambda));
    return out;
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
