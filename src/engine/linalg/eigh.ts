/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ: Householder tridiagonalisation then implicit QL iterations
 * (tred2 / tql2 of EISPACK, as in JAMA), on flat float64 arrays. Used for CCA whitening, the SVCCA reduction and
 * nuclear norms; plain loops over contiguous rows keep it several times faster than array-of-rows libraries.
 */

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as rows: vectors[i·n .. i·n + n) belongs to values[i]. */
  vectors: Float64Array;
}

/** A is a row-major [n × n] symmetric matrix (only symmetry of values is assumed; A is not modified). */
export function eigh(a: Float64Array, n: number): SymmetricEigen {
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const vt = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(vt, d, e, n, true);
  tql2(vt, d, e, n);
  return sortDescending(d, vt, n);
}

/** Eigenvalues only, descending: skips accumulating the transformations (about 3× faster). */
export function eigvalsh(a: Float64Array, n: number): Float64Array {
  const vt = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(vt, d, e, n, false);
  tql2(undefined, d, e, n);
  return d.sort().reverse();
}

/**
 * Householder tridiagonalisation. JAMA's tred2 works on V, mostly down its columns; this works on u = Vᵀ
 * (u[j·n + k] = V[k][j]) so the O(n³) loops run along contiguous rows, and leaves Vᵀ, which tql2 wants.
 */
function tred2(u: Float64Array, d: Float64Array, e: Float64Array, n: number, vectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = u[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = u[j * n + i - 1];
        u[j * n + i] = 0;
        u[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        u[i * n + j] = f;
        const uj = j * n;
        g = e[j] + u[uj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += u[uj + k] * d[k];
          e[k] += u[uj + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const uj = j * n;
        for (let k = j; k <= i - 1; k++) u[uj + k] -= f * e[k] + g * d[k];
        d[j] = u[uj + i - 1];
        u[uj + i] = 0;
      }
    }
    d[i] = h;
  }
  if (!vectors) {
    // The tridiagonal's diagonal is left on the diagonal (the accumulation below would move it into d).
    for (let i = 0; i < n; i++) d[i] = u[i * n + i];
    e[0] = 0;
    return;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    u[i * n + n - 1] = u[i * n + i];
    u[i * n + i] = 1;
    const h = d[i + 1];
    const ui1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = u[ui1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const uj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += u[ui1 + k] * u[uj + k];
        for (let k = 0; k <= i; k++) u[uj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) u[ui1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = u[j * n + n - 1];
    u[j * n + n - 1] = 0;
  }
  u[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); `vt` holds Vᵀ (row i = column i of V), or is absent for values only. */
function tql2(vt: Float64Array | undefined, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60 * n) throw new RangeError('symmetric eigendecomposition did not converge (non-finite input?)');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (!vt) continue;
          const ri = i * n;
          const ri1 = ri + n;
          for (let k = 0; k < n; k++) {
            const t = vt[ri1 + k];
            vt[ri1 + k] = s * vt[ri + k] + c * t;
            vt[ri + k] = c * vt[ri + k] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

function sortDescending(d: Float64Array, vt: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    vectors.set(vt.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}
