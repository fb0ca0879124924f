/**
 * Groups 1–4 of issue 4: planted ground truth. Every case runs the whole disentangle() (validation, normalisation,
 * split, ridge warm start, training on the default backend, held-out evaluation). Measured values are printed as
 * test diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTrainingBackend } from '../../../../src/engine/compute/index';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { initParams } from '../../../../src/engine/disentangler/init';
import { createRng } from '../../../../src/engine/random';
import { splitIndices } from '../../../../src/engine/split';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import type { DisentangleSettings, PairResult } from '../../../../src/protocol/report';
import {
  addNoise,
  conv,
  fromNchw,
  gaussian,
  randomWeights,
  relu,
  smoothFeatures,
  toNchw,
  totalVariance,
} from './planted';

const N = 300,
  H = 6,
  C = 4;

async function run(
  a: FeatureTensor,
  b: FeatureTensor,
  partial: Partial<DisentangleSettings> = {},
): Promise<PairResult> {
  const settings = resolveSettings(partial);
  return disentangle(a, b, settings, { layerA: 'a', layerB: 'b', direction: 'A->B' });
}

const summary = (r: PairResult) =>
  `explained ${r.explained.toFixed(3)}, orders ${r.orders.map((o) => o.fraction.toFixed(3)).join('/')}, ε ${r.inconsistent.fraction.toFixed(3)}, ` +
  `ridge ${r.similarity.ridgeExplained?.toFixed(3)}, CKA ${r.similarity.linearCKA.toFixed(3)}, gates ${r.training.gates.map((g) => g.toFixed(2)).join('/')}, ` +
  `${r.training.epochs} epochs, ${r.training.seconds.toFixed(2)} s`;

test('1. B = random 3×3 conv of A + noise of fraction f → explained ≈ 1 − f, almost all in order 0', async (t) => {
  const a = smoothFeatures([N, H, H, C], 1);
  for (const f of [0.2, 0.5]) {
    const rng = createRng(2);
    const b = addNoise(conv(a, randomWeights(5, C, 3, rng), 5, 3), f, rng);
    const r = await run(a, b);
    t.diagnostic(`f = ${f}: expected explained ${(1 - f).toFixed(2)}; ${summary(r)}`);
    assert.ok(Math.abs(r.explained - (1 - f)) <= 0.05, `explained ${r.explained} vs ${1 - f}`);
    assert.ok(r.orders[0].fraction >= 0.95 * r.explained, `order 0 carries ${r.orders[0].fraction} of ${r.explained}`);
    assert.ok(Math.abs(r.explained + r.inconsistent.fraction - 1) < 1e-9);
  }
});

test('2a. B = a random disentangler with open gates + 10 % noise → explained near the truth, some knowledge in higher orders', async (t) => {
  const rng = createRng(11);
  const a = gaussian([400, H, H, C], rng); // x̃ ≈ A: standard normal features are already standardised
  const spec: DisentanglerSpec = {
    orders: 2,
    kernel: 3,
    channelsA: C,
    channelsB: C,
    height: H,
    width: H,
    alpha: 0,
    weightDecay: 0,
    hiddenScale: 'batch',
  };
  const params = initParams(spec, rng);
  params.betas.fill(1); // p = σ(1) ≈ 0.73
  const backend = await getTrainingBackend('auto');
  const planted = await backend.create(spec, params);
  const comps = (await planted.components({ n: 400, x: toNchw(a) })).map((c) => fromNchw(c, [400, H, H, C]));
  await planted.dispose();
  const signal: FeatureTensor = {
    shape: comps[0].shape,
    data: comps[0].data.map((_, i) => comps.reduce((s, c) => s + c.data[i], 0)),
  };
  const b = addNoise(signal, 0.1, rng);
  const settings = { preset: 'thorough' } as const;
  const { test: held } = splitIndices(400, resolveSettings(settings).testFraction, 0);
  const vb = totalVariance(b, held);
  const truth = comps.map((c) => totalVariance(c, held) / vb);
  const trueExplained = totalVariance(signal, held) / vb;
  const r = await run(a, b, settings);
  t.diagnostic(
    `truth: explained ≤ ${trueExplained.toFixed(3)} (noise-free part), orders ${truth.map((v) => v.toFixed(3)).join('/')}; thorough: ${summary(r)}`,
  );
  assert.ok(
    r.explained >= trueExplained - 0.05 && r.explained <= trueExplained + 0.02,
    `explained ${r.explained} vs truth ${trueExplained}`,
  );
  assert.ok(Math.abs(r.orders[0].fraction - truth[0]) <= 0.1, `order 0: ${r.orders[0].fraction} vs ${truth[0]}`);
  assert.ok(
    r.orders[1].fraction + r.orders[2].fraction >= 0.02,
    'the higher orders found some of the non-linear knowledge',
  );
  assert.ok(
    r.explained > (r.similarity.ridgeExplained ?? 1),
    `beats the linear ridge bound ${r.similarity.ridgeExplained}`,
  );
});

test('2b. B = ReLU(3×3 conv of A) + noise → never worse than the closed-form order-0 ridge estimate', async (t) => {
  const a = smoothFeatures([N, H, H, C], 1);
  const rng = createRng(5);
  const b = addNoise(relu(conv(a, randomWeights(C, C, 3, rng), C, 3)), 0.05, rng);
  const r = await run(a, b);
  t.diagnostic(`fast: ${summary(r)}`);
  assert.ok(r.similarity.ridgeExplained !== undefined);
  assert.ok(
    r.explained >= r.similarity.ridgeExplained - 0.005,
    `explained ${r.explained} < ridge ${r.similarity.ridgeExplained}`,
  );
});

test('3. B independent of A → explained ≈ 0 on held-out data (|explained| ≤ 0.05)', async (t) => {
  const a = smoothFeatures([N, H, H, C], 1);
  const b = smoothFeatures([N, H, H, 5], 7);
  const r = await run(a, b);
  t.diagnostic(`fast: ${summary(r)}`);
  assert.ok(r.explained <= 0.05 && r.explained >= -0.05, `explained ${r.explained}`);
  for (const o of r.orders) assert.ok(o.fraction >= 0 && o.fraction <= 0.05, `order ${o.order}: ${o.fraction}`);
});

test("4. A = B with channels permuted and scaled → ≥ 0.97 in dataset mode; per-sample mode loses each sample's gain", async (t) => {
  const rng = createRng(5);
  const base = relu(smoothFeatures([N, H, H, 6], 3));
  // Samples differ in overall magnitude (like image contrast): the per-sample normaliser divides it away.
  const gains = Array.from({ length: N }, () => 0.5 + 1.5 * rng());
  const b: FeatureTensor = { shape: base.shape, data: base.data.map((v, i) => v * gains[Math.floor(i / (H * H * 6))]) };
  const perm = [3, 0, 5, 1, 4, 2],
    scales = [0.1, 3, 10, 0.5, 1, 7];
  const a: FeatureTensor = {
    shape: b.shape,
    data: b.data.map((_, i) => {
      const ch = i % 6;
      return b.data[i - ch + perm[ch]] * scales[ch];
    }),
  };
  const dataset = await run(a, b);
  const perSample = await run(a, b, { normalize: 'per-sample' });
  t.diagnostic(`dataset: ${summary(dataset)}`);
  t.diagnostic(`per-sample: ${summary(perSample)}`);
  assert.ok(dataset.explained >= 0.97, `dataset explained ${dataset.explained}`);
  assert.ok(dataset.orders[0].fraction >= 0.95, `order 0 ${dataset.orders[0].fraction}`);
  assert.ok(
    perSample.explained < dataset.explained - 0.1,
    `per-sample ${perSample.explained} should lose the per-sample gain`,
  );
});

test('1×1 kernel: recovers a 1×1 map, and explains a 3×3 map less than the 3×3 kernel does', async (t) => {
  const a = smoothFeatures([N, H, H, C], 1);
  const rng = createRng(8);
  const pointwise = addNoise(conv(a, randomWeights(3, C, 1, rng), 3, 1), 0.2, rng);
  const spatial = addNoise(conv(a, randomWeights(3, C, 3, rng), 3, 3), 0.2, rng);
  const r1 = await run(a, pointwise, { kernel: 1 });
  const r3k1 = await run(a, spatial, { kernel: 1 });
  const r3k3 = await run(a, spatial, { kernel: 3 });
  t.diagnostic(`1×1 data, kernel 1: ${summary(r1)}`);
  t.diagnostic(`3×3 data, kernel 1: ${summary(r3k1)}; kernel 3: ${summary(r3k3)}`);
  assert.ok(Math.abs(r1.explained - 0.8) <= 0.05, `1×1: ${r1.explained}`);
  assert.ok(Math.abs(r3k3.explained - 0.8) <= 0.05, `3×3: ${r3k3.explained}`);
  assert.ok(r3k1.explained < r3k3.explained - 0.05, `kernel 1 ${r3k1.explained} vs kernel 3 ${r3k3.explained}`);
});

test('dense features [N, C] (H = W = 1): B = linear map of A + noise → explained ≈ 1 − f', async (t) => {
  const rng = createRng(9);
  const a = gaussian([1000, 1, 1, 8], rng); // more samples than the maps: 1 value per channel per sample
  const b = addNoise(conv(a, randomWeights(5, 8, 1, rng), 5, 1), 0.3, rng);
  for (const normalize of ['dataset', 'per-sample'] as const) {
    const r = await run(a, b, { normalize });
    t.diagnostic(`${normalize}: ${summary(r)}`);
    assert.ok(Math.abs(r.explained - 0.7) <= 0.05, `${normalize}: ${r.explained}`);
  }
});
