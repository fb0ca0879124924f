import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitRidgeConv,
  fitRidgeConvAsync,
  ridgeExplained,
  ridgeExplainedAsync,
} from '../../../../src/engine/linalg/ridge';
import { ShapeMismatchError } from '../../../../src/engine/errors';
import { featureTensor } from '../../../../src/engine/tensor';
import { addNoise, convSame, mapFlat, randomTensor, randomWeights } from './helpers';

test('fitRidgeConv recovers a planted 3×3 conv (C_A ≠ C_B) in OIHW order', () => {
  const x = randomTensor([40, 6, 6, 5], 1);
  const w = randomWeights(3 * 5 * 9, 2);
  const y = convSame(x, w, 3, 3);
  const fit = fitRidgeConv(x, y, 3, 1e-8);
  assert.equal(fit.length, w.length);
  let maxErr = 0;
  for (let i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(fit[i] - w[i]));
  assert.ok(maxErr < 1e-3, `max weight error ${maxErr}`);
});

test('fitRidgeConv with kernel 1 recovers a 1×1 conv; on 1×1 maps a 3×3 fit sits at the centre tap', () => {
  const x = randomTensor([60, 1, 1, 4], 3);
  const w = randomWeights(2 * 4, 4);
  const y = convSame(x, w, 2, 1);
  const fit3 = fitRidgeConv(x, y, 3, 1e-8);
  assert.equal(fit3.length, 2 * 4 * 9);
  for (let o = 0; o < 2; o++) {
    for (let i = 0; i < 4; i++) {
      for (let tap = 0; tap < 9; tap++) {
        const expected = tap === 4 ? w[o * 4 + i] : 0;
        assert.ok(Math.abs(fit3[(o * 4 + i) * 9 + tap] - expected) < 1e-4);
      }
    }
  }
});

test('fitRidgeConv uses the dual form when there are fewer rows than features', () => {
  // 6 samples × 1 position = 6 rows < 40 features: minimum-norm-like ridge solution still reproduces y on the fit data.
  const x = randomTensor([6, 1, 1, 40], 5);
  const w = randomWeights(2 * 40, 6);
  const y = convSame(x, w, 2, 1);
  const fit = fitRidgeConv(x, y, 1, 1e-8);
  const yHat = convSame(x, fit, 2, 1);
  for (let i = 0; i < y.data.length; i++) assert.ok(Math.abs(yHat.data[i] - y.data[i]) < 1e-3);
});

test('ridgeExplained ≈ 1 − noise fraction for a planted conv, ≈ 0 for independent features', () => {
  const x = randomTensor([120, 6, 6, 4], 7);
  const y = addNoise(convSame(x, randomWeights(3 * 4 * 9, 8), 3, 3), 0.3, 9);
  const explained = ridgeExplained(x, y, { kernel: 3, testFraction: 0.25, seed: 1 });
  assert.ok(Math.abs(explained - 0.7) < 0.03, `explained ${explained}`);
  const independent = ridgeExplained(x, randomTensor([120, 6, 6, 3], 10), { kernel: 3, testFraction: 0.25, seed: 1 });
  assert.ok(independent < 0.05 && independent > -0.1, `independent ${independent}`);
});

test('ridgeExplained is invariant to per-channel scale and offset of A, and a 1×1 kernel misses 3×3 structure', () => {
  const x = randomTensor([100, 5, 5, 3], 11);
  const y = convSame(x, randomWeights(2 * 3 * 9, 12), 2, 3);
  const scaled = featureTensor(
    [...x.shape],
    x.data.map((v, i) => v * (1 + (i % 3) * 4) + 7),
  );
  const opts = { kernel: 3 as const, testFraction: 0.2, seed: 3, lambda: 1e-6 };
  const e1 = ridgeExplained(x, y, opts);
  const e2 = ridgeExplained(scaled, y, opts);
  assert.ok(e1 > 0.999, `explained ${e1}`);
  assert.ok(Math.abs(e1 - e2) < 1e-4, `${e1} vs ${e2}`);
  assert.ok(ridgeExplained(x, y, { ...opts, kernel: 1 }) < 0.5);
});

test('ridgeExplained rejects mismatched sample counts and spatial sizes', () => {
  const x = randomTensor([10, 4, 4, 2], 13);
  assert.throws(
    () => ridgeExplained(x, randomTensor([9, 4, 4, 2], 14), { kernel: 3, testFraction: 0.2, seed: 0 }),
    ShapeMismatchError,
  );
  assert.throws(
    () => ridgeExplained(x, randomTensor([10, 2, 2, 2], 14), { kernel: 3, testFraction: 0.2, seed: 0 }),
    /resample/,
  );
});

test('the onnxruntime variants agree with the float64 ones', async () => {
  const x = randomTensor([60, 6, 6, 4], 15);
  const w = randomWeights(3 * 4 * 9, 16);
  const y = addNoise(convSame(x, w, 3, 3), 0.2, 17);
  const opts = { kernel: 3 as const, testFraction: 0.25, seed: 2 };
  const sync = ridgeExplained(x, y, opts);
  const viaOrt = await ridgeExplainedAsync(x, y, opts);
  assert.ok(Math.abs(sync - viaOrt) < 1e-9, `${sync} vs ${viaOrt}`); // float64 on both paths
  assert.ok(Math.abs(sync - 0.8) < 0.04, `explained ${sync}`);
  const clean = convSame(x, w, 3, 3);
  const fit = await fitRidgeConvAsync(x, clean, 3, 1e-7);
  let maxErr = 0;
  for (let i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(fit[i] - w[i]));
  assert.ok(maxErr < 1e-4, `max weight error ${maxErr}`);
});

test('dual form (fewer training rows than features): planted map found, independent ≈ 0, sync = async', async () => {
  // 64 training rows < 120 features; A and B share an 8-dimensional latent, as wide dense layers typically do.
  const z = randomTensor([80, 8], 18);
  const x = addNoise(mapFlat(z, Float64Array.from(randomWeights(8 * 120, 19)), 120), 0.05, 20);
  const y = addNoise(mapFlat(z, Float64Array.from(randomWeights(8 * 4, 21)), 4), 0.1, 22);
  const opts = { kernel: 1 as const, testFraction: 0.2, seed: 4 };
  const planted = ridgeExplained(x, y, opts);
  assert.ok(planted > 0.8, `planted ${planted}`);
  assert.ok(Math.abs(planted - (await ridgeExplainedAsync(x, y, opts))) < 1e-9);
  const independent = ridgeExplained(x, randomTensor([80, 4], 23), opts);
  assert.ok(independent < 0.1, `independent ${independent}`);
});
