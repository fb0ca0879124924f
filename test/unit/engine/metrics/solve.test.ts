import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveSpd } from '../../../../src/engine/linalg/cholesky';
import { runAsync, runSync } from '../../../../src/engine/linalg/products';
import { solveRidge } from '../../../../src/engine/linalg/solve';
import { createRng, randn } from '../../../../src/engine/random';

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * cols }, () => randn(rng));
}

/** A rank-deficient PSD matrix XᵀX (d × d from r < d rows), the hard case for small ridges. */
function psd(d: number, r: number, seed: number): Float64Array {
  const x = randomMatrix(r, d, seed);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) for (let t = 0; t < r; t++) a[i * d + j] += x[t * d + i] * x[t * d + j];
  return a;
}

/** Largest |((A + λI)·X − B)ᵢⱼ| relative to the largest |Bᵢⱼ|: the truth a solve must meet, whatever its route. */
function residual(a: Float64Array, d: number, x: Float64Array, b: Float64Array, m: number, lambda: number): number {
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < d; i++)
    for (let c = 0; c < m; c++) {
      let v = lambda * x[i * m + c] - b[i * m + c];
      for (let t = 0; t < d; t++) v += a[i * d + t] * x[t * m + c];
      worst = Math.max(worst, Math.abs(v));
      largest = Math.max(largest, Math.abs(b[i * m + c]));
    }
  return worst / largest;
}

const lambdas = [1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4, 1e5];

for (const [name, lambdaSet, m] of [
  ['Cholesky route', lambdas.slice(0, 2), 5],
  ['eigen route', lambdas, 200],
] as const) {
  test(`solveRidge (${name}) solves (A + λI)·X = B for every λ, on both drivers`, async () => {
    const d = 30;
    const a = psd(d, 20, 1);
    const b = randomMatrix(d, m, 2);
    for (const solved of [
      runSync(solveRidge(a, d, b, m, lambdaSet)),
      await runAsync(solveRidge(a, d, b, m, lambdaSet)),
    ])
      lambdaSet.forEach((lambda, i) => assert.ok(residual(a, d, solved[i], b, m, lambda) < 1e-9, `λ ${lambda}`));
  });
}

test('the blocked Cholesky solve (several blocks, a partial last one) meets (A + λI)·X = B on both drivers', async () => {
  const d = 300;
  const m = 7;
  const a = psd(d, 200, 3); // rank 200 of 300: only λ makes it definite
  const b = randomMatrix(d, m, 4);
  const lambda = 1e-2 * 200;
  for (const x of [runSync(solveSpd(a, d, b, m, lambda)), await runAsync(solveSpd(a, d, b, m, lambda))])
    assert.ok(residual(a, d, x, b, m, lambda) < 1e-9);
});

test('a singular A with λ = 0 is solved with the smallest λ that factors it, not refused', () => {
  const d = 40;
  const a = psd(d, 10, 5);
  const b = randomMatrix(d, 3, 6);
  const x = runSync(solveSpd(a, d, b, 3, 0));
  assert.ok(x.every(Number.isFinite));
});
