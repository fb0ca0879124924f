/**
 * Dense kernels in plain TypeScript for the closed-form estimates (ridge, CKA, CCA). Matrices are row-major
 * typed arrays; accumulation is float64 because normal equations and Gram matrices sum many products.
 */

export type Vec = Float32Array | Float64Array;

/** Rows of A and B per tile, and the inner-dimension chunk: a tile of both (2 × 16 rows × 512 doubles) stays in L2. */
const TILE = 16;
const CHUNK = 512;

/**
 * C = A·Bᵀ for A [m × k] and B [n × k], both row-major: C[i, j] = a_i · b_j, so every inner loop runs over two
 * contiguous rows. With `symmetric` (A = B) only j ≥ i is computed and then mirrored. Adds into `out` when given.
 */
export function abT(
  a: Vec,
  m: number,
  b: Vec,
  n: number,
  k: number,
  symmetric = false,
  out?: Float64Array,
): Float64Array {
  const c = out ?? new Float64Array(m * n);
  for (let k0 = 0; k0 < k; k0 += CHUNK) {
    const k1 = Math.min(k, k0 + CHUNK);
    for (let i0 = 0; i0 < m; i0 += TILE) {
      const i1 = Math.min(m, i0 + TILE);
      for (let j0 = symmetric ? i0 : 0; j0 < n; j0 += TILE) {
        const j1 = Math.min(n, j0 + TILE);
        tile(a, b, c, n, k, i0, i1, j0, j1, k0, k1, symmetric);
      }
    }
  }
  if (symmetric) {
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i];
  }
  return c;
}

/** One tile, two rows of A against two rows of B at a time (four running sums per pass over the chunk). */
function tile(
  a: Vec,
  b: Vec,
  c: Float64Array,
  n: number,
  k: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
  symmetric: boolean,
): void {
  for (let i = i0; i < i1; i += 2) {
    const twoI = i + 1 < i1;
    const ai = i * k;
    const ai2 = twoI ? ai + k : ai;
    for (let j = symmetric ? Math.max(j0, i) : j0; j < j1; j += 2) {
      const twoJ = j + 1 < j1;
      const bj = j * k;
      const bj2 = twoJ ? bj + k : bj;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0;
      for (let t = k0; t < k1; t++) {
        const x0 = a[ai + t],
          x1 = a[ai2 + t],
          y0 = b[bj + t],
          y1 = b[bj2 + t];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      c[i * n + j] += s00;
      if (twoJ) c[i * n + j + 1] += s01;
      if (twoI) {
        // In the symmetric case the pair (i+1, i) lies below the diagonal: it is mirrored later, not summed.
        if (!symmetric || j >= i + 1) c[(i + 1) * n + j] += s10;
        if (twoJ) c[(i + 1) * n + j + 1] += s11;
      }
    }
  }
}

/** Transpose of a row-major [rows × cols] matrix, as float64. */
export function transpose(x: Vec, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) t[c * rows + r] = x[base + c];
  }
  return t;
}

/** C = A·B for A [m × k], B [k × n] (small matrices: solutions, rotations). */
export function matmul(a: Vec, b: Vec, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const v = a[i * k + t];
      if (v === 0) continue;
      const bt = t * n,
        ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j] += v * b[bt + j];
    }
  }
  return c;
}

/** Sum of the diagonal of a square [d × d] matrix. */
export function trace(a: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i * d + i];
  return s;
}
