/**
 * A side that is constant on the probes (up to float32 rounding) shares nothing with the other: every measure says so
 * (CKA 0, CCA 0, Procrustes 2, ridge 0), never NaN and never an internal error. Before: a constant A made the ridge baseline throw
 * 'matrix of size 8 could not be factored' (its relative ridge λ·tr(XᵀX)/d is 0 when XᵀX = 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAsync, runSync } from '../../../../src/engine/linalg/products';
import { fitRidgeConv, ridgeExplained } from '../../../../src/engine/linalg/ridge';
import { solveRidge } from '../../../../src/engine/linalg/solve';
import { ckaMatrix, similarityMeasures } from '../../../../src/engine/metrics/index';
import { createRng, randn } from '../../../../src/engine/random';
import { featureTensor } from '../../../../src/engine/tensor';
import { randomTensor } from './helpers';

const constant = (shape: number[], value: number) =>
  featureTensor(shape, new Float32Array(shape.reduce((p, s) => p * s, 1)).fill(value));

test('solveRidge of a zero matrix (relative ridge 0) is W = 0, on both drivers and all routes', async () => {
  const d = 6;
  for (const [m, count] of [
    [3, 1],
    [3, 9],
    [20, 1],
  ] as const) {
    const lambdas = new Array<number>(count).fill(0); // λ·tr(A)/d with tr(A) = 0
    for (const w of [
      runSync(solveRidge(new Float64Array(d * d), d, new Float64Array(d * m), m, lambdas)),
      await runAsync(solveRidge(new Float64Array(d * d), d, new Float64Array(d * m), m, lambdas)),
    ]) {
      assert.equal(w.length, count);
      assert.ok(w.every((x) => x.length === d * m && x.every((v) => v === 0)));
    }
  }
});

test('ridgeExplained from a constant A is 0, primal and dual, searched λ or fixed', () => {
  const b = randomTensor([60, 4, 4, 3], 1);
  const opts = { kernel: 3 as const, testFraction: 0.2, seed: 0 };
  assert.equal(ridgeExplained(constant([60, 4, 4, 5], 2.5), b, opts), 0);
  assert.equal(ridgeExplained(constant([60, 4, 4, 5], 2.5), b, { ...opts, lambda: 1e-3 }), 0);
  // 400 channels of 1×1 maps (d = 400) and 48 training rows: the dual form.
  assert.equal(ridgeExplained(constant([60, 1, 1, 400], -1), randomTensor([60, 3], 2), opts), 0);
});

/** Both CKAs 0, and the one shown (unbiased below 512 probes) 0 with an interval of [0, 0]. */
const NOTHING_SHARED = {
  linearCKA: 0,
  linearCKAUnbiased: 0,
  cka: { estimator: 'unbiased', value: 0, interval: [0, 0], level: 0.95, replicates: 1000 },
};

test('a constant side in similarityMeasures: CKA 0, CCA 0, Procrustes 2, ridge 0, nothing NaN', async () => {
  const x = randomTensor([120, 5], 3);
  for (const [a, b] of [
    [constant([120, 8], 3), x],
    [x, constant([120, 8], 3)],
  ]) {
    const m = await similarityMeasures(a, b);
    assert.deepEqual(m, { ...NOTHING_SHARED, svcca: 0, pwcca: 0, procrustes: 2, ridgeExplained: 0 });
  }
});

test('fitRidgeConv on raw constant features still fits (it is not standardised): finite weights', () => {
  const w = fitRidgeConv(constant([30, 3, 3, 2], 1), randomTensor([30, 3, 3, 2], 4), 3, 1e-3);
  assert.ok(w.every(Number.isFinite));
});

test('a side constant up to float32 rounding counts as constant: rounding noise is not compared as structure', async () => {
  for (const shape of [
    [200, 1, 1, 8],
    [300, 4, 4, 16], // Grams on onnxruntime
  ]) {
    const len = shape.reduce((p, s) => p * s, 1);
    const rng = createRng(2);
    // 0.1 give or take a unit in the last place, as a constant computed in another order comes out.
    const jitter = featureTensor(
      shape,
      Float32Array.from({ length: len }, () => 0.1 * (1 + 1.2e-7 * Math.round(randn(rng)))),
    );
    const b = featureTensor(
      shape,
      Float32Array.from({ length: len }, () => randn(rng)),
    );
    // Before: biased CKA 0.456 on the onnxruntime route, SVCCA 0.156 and Procrustes 1.69 on the dense one.
    const m = await similarityMeasures(jitter, b);
    assert.deepEqual(m, { ...NOTHING_SHARED, svcca: 0, pwcca: 0, procrustes: 2, ridgeExplained: 0 });
    assert.deepEqual(await ckaMatrix([jitter], [b]), [[0]]);
  }
});
