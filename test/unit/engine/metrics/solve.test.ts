import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveSpd } from '../../../../src/engine/linalg/dense';
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

const lambdas = [1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4, 1e5];

for (const [name, lambdaSet, m] of [
  ['Cholesky route', lambdas.slice(0, 2), 5],
  ['eigen route', lambdas, 60],
  ['inverse route', [0.5], 60],
] as const) {
  test(`solveRidge (${name}) equals a direct Cholesky solve per λ, on both drivers`, async () => {
    const d = 30;
    const a = psd(d, 20, 1);
    const b = randomMatrix(d, m, 2);
    const sync = runSync(solveRidge(a, d, b, m, lambdaSet));
    const viaOrt = await runAsync(solveRidge(a, d, b, m, lambdaSet));
    lambdaSet.forEach((lambda, i) => {
      const expected = solveSpd(a, d, b, m, lambda);
      for (let j = 0; j < expected.length; j++) {
        const scale = Math.abs(expected[j]) + 1e-3;
        assert.ok(Math.abs(sync[i][j] - expected[j]) / scale < 1e-6, `λ ${lambda}: ${sync[i][j]} vs ${expected[j]}`);
        assert.ok(Math.abs(viaOrt[i][j] - expected[j]) / scale < 1e-6);
      }
    });
  });
}
