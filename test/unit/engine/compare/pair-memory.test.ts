/**
 * A pair whose features would not fit the memory budget's share is fitted on as many probe samples as fit, evenly
 * spread, and says so; too few to fit is a skip with its reason. Subset reads return exactly those samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExtractedFeatures } from '../../../../src/engine/compare/extract';
import { runFits } from '../../../../src/engine/compare/fits';
import { MIN_PAIR_SAMPLES, pairBytesPerSample, pairSamples } from '../../../../src/engine/compare/pair-memory';
import type { ProbeImages } from '../../../../src/engine/compare/probe-images';
import { getTrainingBackend } from '../../../../src/engine/compute/index';
import { resolveSettings } from '../../../../src/engine/disentangler/settings';
import { KcError } from '../../../../src/engine/errors';
import { readFeatureFile } from '../../../../src/engine/features/store';
import { ProgressTracker } from '../../../../src/engine/progress';
import { createRng } from '../../../../src/engine/random';
import { featureTensor, type FeatureTensor } from '../../../../src/engine/tensor';

test('bytes a sample: both layers, one when a layer is compared with itself, plus the resampled copies', () => {
  assert.equal(pairBytesPerSample([4, 4, 8], [4, 4, 2], false, ['A->B', 'B->A']), 4 * (128 + 32));
  assert.equal(pairBytesPerSample([4, 4, 8], [4, 4, 8], true, ['A->B', 'B->A']), 4 * 128);
  // A 8×8×2 explains B 4×4×16 (A at 4×4: 32 values); B explains A (B at 8×8: 1024 values)
  assert.equal(pairBytesPerSample([8, 8, 2], [4, 4, 16], false, ['A->B']), 4 * (128 + 256 + 32));
  assert.equal(pairBytesPerSample([8, 8, 2], [4, 4, 16], false, ['A->B', 'B->A']), 4 * (128 + 256 + 32 + 1024));
  assert.equal(pairBytesPerSample([10], [4, 4, 1], false, ['A->B']), 4 * (10 + 16 + 10 * 16));
});

test('samples kept: all when they fit, else as many as fit spread over the probe set, else a skip with its reason', () => {
  assert.equal(pairSamples(100, 10, 1000, 'a ↔ b'), undefined);
  const kept = pairSamples(100, 10, 600, 'a ↔ b')!;
  assert.equal(kept.length, 60);
  assert.deepEqual([kept[0], kept[1], kept[2], kept[59]], [0, 1, 3, 98]);
  assert.ok(kept.every((s, i) => i === 0 || s > kept[i - 1]));
  assert.throws(
    () => pairSamples(100, 2 ** 20, (MIN_PAIR_SAMPLES - 1) * 2 ** 20, 'conv1 ↔ conv1'),
    (e: unknown) =>
      e instanceof KcError &&
      e.code === 'invalid-input' &&
      /^conv1 ↔ conv1 needs 48 MB for its features at the fewest samples a fit takes \(48\), more than the memory budget leaves \(47 MB\): raise --memory/.test(
        e.message,
      ),
  );
});

test('a subset read is those samples of the whole read, in order, shared or not', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-subset-'));
  try {
    const data = Float32Array.from({ length: 7 * 2 * 3 }, (_, i) => i + 0.5); // 7 samples of 1×2×3
    const file = path.join(dir, 'layer.f32');
    await writeFile(file, new Uint8Array(data.buffer));
    const ref = { file, shape: [7, 1, 2, 3] };
    const whole = await readFeatureFile(ref, 'layer');
    for (const shared of [false, true]) {
      const part = await readFeatureFile(ref, 'layer', shared, Int32Array.of(1, 4, 6));
      assert.deepEqual(part.shape, [3, 1, 2, 3]);
      assert.deepEqual(Array.from(part.data), [
        ...whole.data.subarray(6, 12),
        ...whole.data.subarray(24, 30),
        ...whole.data.subarray(36, 42),
      ]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** 100 samples of a 4×4×6 map A and B = a fixed 1×1 linear map of A plus 1 % noise: consistent, fitted fast. */
function plantedPair(): { a: FeatureTensor; b: FeatureTensor } {
  const rng = createRng(7);
  const [n, h, w, c] = [100, 4, 4, 6];
  const a = Float32Array.from({ length: n * h * w * c }, () => rng() * 2 - 1);
  const mix = Float32Array.from({ length: c * c }, () => rng() * 2 - 1);
  const b = new Float32Array(a.length);
  for (let p = 0; p < n * h * w; p++)
    for (let o = 0; o < c; o++) {
      let v = 0;
      for (let i = 0; i < c; i++) v += mix[o * c + i] * a[p * c + i];
      b[p * c + o] = v + 0.01 * (rng() * 2 - 1);
    }
  return { a: featureTensor([n, h, w, c], a), b: featureTensor([n, h, w, c], b) };
}

/** Features held in memory, read whole or by samples as the store reads them. */
function inMemory(t: FeatureTensor): ExtractedFeatures {
  const perSample = t.data.length / t.shape[0];
  return {
    shape: () => [...t.shape],
    read: async (_layer, _shared, samples) =>
      samples
        ? featureTensor(
            [samples.length, ...t.shape.slice(1)],
            Float32Array.from(
              Array.from(samples).flatMap((s) => [...t.data.subarray(s * perSample, (s + 1) * perSample)]),
            ),
          )
        : t,
    preprocessing: 'planted',
  };
}

test('a pair over its memory share is fitted on the samples that fit, evenly spread, and says so', async () => {
  const { a, b } = plantedPair();
  const features = { fa: inMemory(a), fb: inMemory(b) };
  const perSample = 4 * 2 * 4 * 4 * 6;
  const images = { attach: async () => undefined } as unknown as ProbeImages;
  const fitted = await runFits(
    [{ layerA: 'a', layerB: 'b', direction: 'A->B' }],
    features,
    resolveSettings({ epochs: 2, kernel: 1, seed: 1 }),
    { backend: await getTrainingBackend('auto'), budget: 64 * 2 ** 20, pairCap: 60 * perSample },
    { A: images, B: images },
    { hooks: {}, progress: new ProgressTracker(undefined) },
  );
  const [pair] = fitted.pairs;
  const spread = pairSamples(100, perSample, 60 * perSample, 'a ↔ b')!;
  assert.match(pair.sampling?.probes ?? '', /^60 of 100 probe samples, evenly spread: all of them would not fit/);
  assert.ok(pair.warnings?.some((w) => /^a ↔ b A->B: fitted on 60 of 100 probe samples/.test(w)));
  assert.equal(pair.training.samples!.fit + pair.training.samples!.validation + pair.training.samples!.test, 60);
  // ε-map samples are numbered in the probe set, among the kept ones
  const indices = pair.maps?.samples?.map((s) => s.index) ?? [];
  assert.ok(indices.length > 0 && indices.every((i) => spread.includes(i)), `ε-map samples ${indices}`);
  assert.ok(pair.explained > 0.95, `explained ${pair.explained}`);
});
