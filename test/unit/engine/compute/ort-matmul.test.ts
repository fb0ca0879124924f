/** ORT matmul / Gram against a plain float64 triple loop, in float32 and float64, with every transpose flag. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gram, matmul } from '../../../../src/engine/compute/ort-matmul';
import { KcError } from '../../../../src/engine/errors';
import { relativeError } from './helpers';

function randomMatrix(size: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: size }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
}

/** Reference: C = op(A)·op(B) with A, B row-major as stored. */
function naive(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

describe('ORT matmul', () => {
  const [m, k, n] = [37, 53, 29];
  for (const transA of [false, true])
    for (const transB of [false, true]) {
      it(`float32 and float64, transA=${transA} transB=${transB}`, async () => {
        const a = randomMatrix(m * k, 1),
          b = randomMatrix(k * n, 2);
        const expected = naive(a, b, m, k, n, transA, transB);
        const c32 = await matmul(Float32Array.from(a), Float32Array.from(b), m, k, n, { transA, transB });
        assert.ok(c32 instanceof Float32Array && c32.length === m * n);
        assert.ok(relativeError(c32, expected) < 1e-5);
        const c64 = await matmul(a, b, m, k, n, { transA, transB });
        assert.ok(c64 instanceof Float64Array);
        assert.ok(relativeError(c64, expected) < 1e-12);
      });
    }

  it('gram: X·Xᵀ and Xᵀ·X are the symmetric products', async () => {
    const x = randomMatrix(40 * 15, 3);
    assert.ok(relativeError(await gram(x, 40, 15, 'rows'), naive(x, x, 40, 15, 40, false, true)) < 1e-12);
    assert.ok(relativeError(await gram(x, 40, 15, 'cols'), naive(x, x, 15, 40, 15, true, false)) < 1e-12);
  });

  it('rejects mismatched sizes and mixed dtypes', async () => {
    await assert.rejects(
      matmul(new Float32Array(6), new Float32Array(6), 2, 3, 3),
      (e: unknown) => e instanceof KcError && /b has 6 values/.test(e.message),
    );
    await assert.rejects(
      matmul(new Float32Array(6) as Float32Array | Float64Array, new Float64Array(6), 2, 3, 2),
      KcError,
    );
  });
});
