/** Big Gram products run on onnxruntime in float32: they must agree with the float64 plain-loop path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ckaMatrix, linearCka, similarityMeasures, unbiasedLinearCka } from '../../../../src/engine/metrics/index';
import { ORT_GRAM_MIN_MACS } from '../../../../src/engine/metrics/gram';
import { ortCentredGram, ortColumnMeans } from '../../../../src/engine/linalg/ort-gram';
import { CancelledError } from '../../../../src/engine/cancel';
import { featureTensor } from '../../../../src/engine/tensor';
import { mapFlat, randomTensor, randomWeights } from './helpers';

test('similarityMeasures on wide features (onnxruntime Grams) matches the float64 path', async () => {
  const n = 300;
  const a = randomTensor([n, 8, 8, 4], 1); // 256 features per sample: n < p + q → Gram route
  const b = mapFlat(a, Float64Array.from(randomWeights(256 * 200, 2)), 200);
  const shifted = featureTensor(
    [...b.shape],
    b.data.map((v) => v + 50),
  ); // a large offset must not hurt float32
  assert.ok(n * n * 256 >= ORT_GRAM_MIN_MACS);
  const m = await similarityMeasures(a, shifted);
  assert.ok(Math.abs(m.linearCKA - linearCka(a, shifted)) < 1e-5);
  assert.ok(Math.abs(m.linearCKAUnbiased! - unbiasedLinearCka(a, shifted)) < 1e-5);
});

test('ckaMatrix with onnxruntime Grams matches per-pair CKA (both estimators)', async () => {
  const n = 400;
  const la = [randomTensor([n, 600], 3), randomTensor([n, 10, 10, 6], 4)];
  const lb = [mapFlat(la[0], Float64Array.from(randomWeights(600 * 64, 5)), 64), randomTensor([n, 700], 6)];
  assert.ok(200 * 200 * 600 >= ORT_GRAM_MIN_MACS);
  const biased = await ckaMatrix(la, lb, { estimator: 'biased' });
  const unbiased = await ckaMatrix(la, lb, { estimator: 'unbiased', batchSize: 200 });
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      assert.ok(Math.abs(biased[i][j] - linearCka(la[i], lb[j])) < 1e-5, `biased ${i},${j}`);
      assert.ok(Math.abs(unbiased[i][j] - unbiasedLinearCka(la[i], lb[j], 200)) < 1e-5, `unbiased ${i},${j}`);
    }
  }
  // Independent 700-d noise looks similar to the biased estimator at n = 400 (its known inflation when d ≫ n);
  // the unbiased one sees through it and still finds the planted projection.
  assert.ok(biased[0][1] > 0.5 && Math.abs(unbiased[0][1]) < 0.05 && unbiased[0][0] > 0.25);
});

test('ckaMatrix stops between layers when cancelled', async () => {
  const layers = [randomTensor([20, 5], 7), randomTensor([20, 5], 8)];
  const signal = { aborted: false };
  const run = ckaMatrix(layers, layers, {
    signal,
    onLayer: (done) => {
      if (done === 1) signal.aborted = true;
    },
  });
  await assert.rejects(run, CancelledError);
});

test("a wide layer in a SharedArrayBuffer (a fit thread's) gives the same Gram in column slices as whole", async () => {
  const m = 6;
  const d = (1 << 20) + 7; // wider than one slice (2²² values ÷ 6 rows), with a ragged last slice
  const plain = new Float32Array(m * d).map((_, i) => Math.sin(i * 0.37) + (i % d) * 1e-6);
  const shared = new Float32Array(new SharedArrayBuffer(plain.byteLength));
  shared.set(plain);
  const mean = await ortColumnMeans(shared, m, d);
  for (const c of [0, 1, d >> 1, d - 1]) {
    let expected = 0;
    for (let r = 0; r < m; r++) expected += plain[r * d + c] / m;
    assert.ok(Math.abs(mean[c] - expected) < 1e-5, `mean of column ${c}`);
  }
  const k = await ortCentredGram(shared, m, d, mean);
  for (const [i, j] of [
    [0, 0],
    [1, 4],
    [5, 5],
  ]) {
    let expected = 0;
    for (let c = 0; c < d; c++) expected += (plain[i * d + c] - mean[c]) * (plain[j * d + c] - mean[c]);
    assert.ok(Math.abs(k[i * m + j] - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `K[${i},${j}]`);
  }
});
