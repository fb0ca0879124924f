import { test } from 'node:test';
import assert from 'node:assert/strict';
import { similarityMatrix } from '../../../../src/engine/compare/matrix';
import type { ExtractedFeatures } from '../../../../src/engine/compare/extract';
import { createRng, randn } from '../../../../src/engine/random';
import type { FeatureTensor } from '../../../../src/engine/tensor';

/** Random features; layer "copy" of B is a channel-permuted copy of A's "base" (CKA 1, ridge ≈ 1). */
function features(layers: Record<string, FeatureTensor>): ExtractedFeatures & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (name) => {
      reads.push(name);
      return layers[name];
    },
    shape: (name) => [...layers[name].shape],
    preprocessing: '',
  };
}

function noise(shape: [number, number, number, number], seed: number): FeatureTensor {
  const rng = createRng(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => randn(rng)) };
}

function permuteChannels(t: FeatureTensor): FeatureTensor {
  const c = t.shape[3];
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < t.data.length; i += c) for (let k = 0; k < c; k++) data[i + k] = t.data[i + ((k + 1) % c)];
  return { shape: t.shape, data };
}

test('the matrix read in memory-budget blocks equals the matrix read at once', async () => {
  const base = noise([60, 4, 4, 3], 1);
  const a = { base, other: noise([60, 2, 2, 5], 2), dense: noise([60, 1, 1, 7], 3) };
  const b = { copy: permuteChannels(base), noise: noise([60, 4, 4, 2], 4) };
  const options = {
    ridge: true,
    directions: ['A->B', 'B->A'] as Array<'A->B' | 'B->A'>,
    kernel: 1 as const,
    testFraction: 0.25,
    seed: 0,
  };
  const whole = await similarityMatrix(Object.keys(a), features(a), Object.keys(b), features(b), options);
  const fa = features(a);
  // A budget smaller than any layer: every block holds one layer, so A's layers are read once and B's per A layer.
  const blocked = await similarityMatrix(Object.keys(a), fa, Object.keys(b), features(b), {
    ...options,
    budgetBytes: 16,
  });
  assert.deepEqual(fa.reads, ['base', 'other', 'dense']);
  assert.deepEqual(blocked, whole);
  // 60 probes: the matrix holds the unbiased CKA (the biased one reads high at few probes).
  assert.deepEqual(Object.keys(whole.measures).sort(), ['linearCKAUnbiased', 'ridgeExplained', 'ridgeExplainedBA']);
  const cka = whole.measures.linearCKAUnbiased;
  assert.equal(cka.length, 6);
  assert.ok(Math.abs(cka[0]! - 1) < 1e-5, `CKA(base, permuted copy) = ${cka[0]}`);
  assert.ok(Math.abs(cka[1]!) < 0.1, `CKA(base, noise) = ${cka[1]}`);
  assert.ok(whole.measures.ridgeExplained[0]! > 0.99);
  assert.ok(whole.measures.ridgeExplainedBA[0]! > 0.99);
  assert.ok(whole.measures.ridgeExplained[1]! < 0.2);
});

test('CKA alone is streamed: every layer read once, the same numbers as the block path', async () => {
  const base = noise([60, 6, 6, 16], 1);
  const a = { base, other: noise([60, 3, 3, 32], 2), dense: noise([60, 1, 1, 64], 3) };
  const b = { copy: permuteChannels(base), noise: noise([60, 6, 6, 8], 4), wide: noise([60, 2, 2, 128], 5) };
  const options = {
    ridge: false,
    directions: ['A->B'] as Array<'A->B' | 'B->A'>,
    kernel: 1 as const,
    testFraction: 0.25,
    seed: 0,
  };
  const [fa, fb] = [features(a), features(b)];
  // 120 kB: every layer's Gram vectors (≈ 100 kB for the 6 at 60 probes), while blocks of features would hold one
  // layer each (the block path read B's layers once per layer of A).
  const streamed = await similarityMatrix(Object.keys(a), fa, Object.keys(b), fb, { ...options, budgetBytes: 120_000 });
  assert.deepEqual(fa.reads, ['base', 'other', 'dense']);
  assert.deepEqual(fb.reads, ['copy', 'noise', 'wide'], 'a layer of B was read more than once');
  // A budget below the Gram vectors' size takes the block path: one layer a block, B's layers read per A layer.
  const [ga, gb] = [features(a), features(b)];
  const blocked = await similarityMatrix(Object.keys(a), ga, Object.keys(b), gb, { ...options, budgetBytes: 16 });
  assert.equal(gb.reads.length, 9);
  const [s, k] = [streamed.measures.linearCKAUnbiased, blocked.measures.linearCKAUnbiased];
  assert.equal(s.length, 9);
  s.forEach((v, i) => assert.ok(Math.abs(v! - k[i]!) < 1e-9, `cell ${i}: ${v} vs ${k[i]}`));
  assert.ok(Math.abs(s[0]! - 1) < 1e-5);
});
