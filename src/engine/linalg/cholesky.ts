/**
 * (A + λI)⁻¹·B by a blocked Cholesky factorisation, for symmetric positive semi-definite A [d × d] and B [d × m]
 * (row-major; both left untouched). Only the diagonal blocks and their small triangular solves run in plain loops:
 * the d³/3 multiply-adds of the trailing updates and the 2·d²·m of the substitutions are products (products.ts),
 * DGEMM on onnxruntime under runAsync. A 1152-feature warm start (28×28×128, 3×3) spent ≈ 15 s of a 53 s fit in the
 * loop versions of this and of the eigendecomposition.
 */
import { trace, transpose } from './dense';
import { product, type Computation } from './products';

/** Columns per block: the loops do d·BLOCK² of the work, the products the rest. */
const BLOCK = 128;

/** If rounding makes A + λI indefinite, λ is raised (×10, at least 1e-12·tr(A)/d) until it factors. */
export function* solveSpd(
  a: Float64Array,
  d: number,
  b: Float64Array,
  m: number,
  lambda: number,
): Computation<Float64Array> {
  const floor = 1e-12 * Math.max(trace(a, d) / Math.max(d, 1), 1e-300);
  let lam = lambda;
  for (let attempt = 0; attempt < 30; attempt++) {
    const l = yield* cholesky(a, d, lam);
    if (l) return yield* substitute(l, d, b, m);
    lam = Math.max(lam * 10, floor);
  }
  throw new RangeError(`matrix of size ${d} could not be factored (non-finite values?)`);
}

/** Lower-triangular L with L·Lᵀ = A + λI (upper triangle zero), or null when a pivot is not positive. */
function* cholesky(a: Float64Array, d: number, lambda: number): Computation<Float64Array | null> {
  const s = Float64Array.from(a);
  for (let i = 0; i < d; i++) s[i * d + i] += lambda;
  // Right-looking: each block column is factored, then the whole trailing lower triangle updated at once.
  for (let k0 = 0; k0 < d; k0 += BLOCK) {
    const k1 = Math.min(d, k0 + BLOCK);
    const nb = k1 - k0;
    for (let j = k0; j < k1; j++) {
      const sj = j * d;
      let diag = s[sj + j];
      for (let t = k0; t < j; t++) diag -= s[sj + t] * s[sj + t];
      if (!(diag > 0)) return null;
      const root = Math.sqrt(diag);
      s[sj + j] = root;
      for (let i = j + 1; i < k1; i++) {
        const si = i * d;
        let v = s[si + j];
        for (let t = k0; t < j; t++) v -= s[si + t] * s[sj + t];
        s[si + j] = v / root;
      }
    }
    const rest = d - k1;
    if (!rest) break;
    // Panel L21 = A21·L11⁻ᵀ: a product with the inverse of the small triangle.
    const panel = yield product(block(s, d, k1, d, k0, k1), rest, lowerInverse(s, d, k0, nb), nb, nb);
    for (let r = 0; r < rest; r++) s.set(panel.subarray(r * nb, (r + 1) * nb), (k1 + r) * d + k0);
    const update = yield product(panel, rest, panel, rest, nb, true); // L21·L21ᵀ
    for (let i = 0; i < rest; i++) {
      const si = (k1 + i) * d + k1;
      for (let j = 0; j <= i; j++) s[si + j] -= update[i * rest + j];
    }
  }
  for (let i = 0; i < d; i++) s.fill(0, i * d + i + 1, (i + 1) * d);
  return s;
}

/** X with L·Lᵀ·X = B: forward (L·Y = B) then backward (Lᵀ·X = Y) substitution, block by block. */
function* substitute(l: Float64Array, d: number, b: Float64Array, m: number): Computation<Float64Array> {
  const x = Float64Array.from(b);
  for (let k0 = 0; k0 < d; k0 += BLOCK) {
    const k1 = Math.min(d, k0 + BLOCK);
    for (let i = k0; i < k1; i++) {
      for (let t = k0; t < i; t++) axpy(x, i, t, -l[i * d + t], m);
      scale(x, i, 1 / l[i * d + i], m);
    }
    // The rows below take the solved block off: Y₂ −= L₂₁·Y₁.
    if (k1 < d) {
      const below = block(l, d, k1, d, k0, k1);
      subtract(x, k1, d, yield product(below, d - k1, columns(x, m, k0, k1), m, k1 - k0), m);
    }
  }
  for (let k1 = d; k1 > 0; k1 -= BLOCK) {
    const k0 = Math.max(0, k1 - BLOCK);
    for (let i = k1 - 1; i >= k0; i--) {
      for (let t = i + 1; t < k1; t++) axpy(x, i, t, -l[t * d + i], m);
      scale(x, i, 1 / l[i * d + i], m);
    }
    // The rows above take the solved block off: X₁ −= L₂₁ᵀ·X₂.
    if (k0 > 0) {
      const aboveT = transpose(block(l, d, k0, k1, 0, k0), k1 - k0, k0);
      subtract(x, 0, k0, yield product(aboveT, k0, columns(x, m, k0, k1), m, k1 - k0), m);
    }
  }
  return x;
}

/** L11⁻¹ [nb × nb] of the lower triangle at rows and columns k0…k0 + nb of l (forward substitution on I). */
function lowerInverse(l: Float64Array, d: number, k0: number, nb: number): Float64Array {
  const inv = new Float64Array(nb * nb);
  for (let i = 0; i < nb; i++) {
    const li = (k0 + i) * d + k0;
    const root = l[li + i];
    for (let c = 0; c <= i; c++) {
      let v = i === c ? 1 : 0;
      for (let t = c; t < i; t++) v -= l[li + t] * inv[t * nb + c];
      inv[i * nb + c] = v / root;
    }
  }
  return inv;
}

/** x[i] += v·x[t] (rows of m values). */
function axpy(x: Float64Array, i: number, t: number, v: number, m: number): void {
  if (v === 0) return;
  for (let c = 0; c < m; c++) x[i * m + c] += v * x[t * m + c];
}

function scale(x: Float64Array, i: number, v: number, m: number): void {
  for (let c = 0; c < m; c++) x[i * m + c] *= v;
}

/** Rows r0…r1, columns c0…c1 of a row-major [· × d] matrix, as its own [(r1 − r0) × (c1 − c0)] matrix. */
function block(a: Float64Array, d: number, r0: number, r1: number, c0: number, c1: number): Float64Array {
  const w = c1 - c0;
  const out = new Float64Array((r1 - r0) * w);
  for (let r = r0; r < r1; r++) out.set(a.subarray(r * d + c0, r * d + c1), (r - r0) * w);
  return out;
}

/** Rows r0…r1 of x [· × m], transposed: [m × (r1 − r0)] (products take their right factor by rows). */
function columns(x: Float64Array, m: number, r0: number, r1: number): Float64Array {
  return transpose(x.subarray(r0 * m, r1 * m), r1 - r0, m);
}

/** x[r0…r1] −= v ([(r1 − r0) × m]). */
function subtract(x: Float64Array, r0: number, r1: number, v: Float64Array, m: number): void {
  for (let i = 0; i < (r1 - r0) * m; i++) x[r0 * m + i] -= v[i];
}
