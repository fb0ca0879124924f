/** Held-out passes in chunks give the same loss and components as one batch (per-sample hidden scale: exactly). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTrainingBackend } from '../../../src/engine/compute/index';
import type { DisentanglerSpec } from '../../../src/engine/compute/types';
import { setComponents, setLoss } from '../../../src/engine/disentangler/chunks';
import { initParams } from '../../../src/engine/disentangler/init';
import { createRng, randn } from '../../../src/engine/random';

test('setLoss / setComponents: 5 uneven chunks = one batch', async () => {
  const spec: DisentanglerSpec = {
    orders: 2,
    kernel: 3,
    channelsA: 3,
    channelsB: 2,
    height: 4,
    width: 4,
    alpha: 0.1,
    weightDecay: 0,
    hiddenScale: 'sample',
  };
  const rng = createRng(4);
  const n = 23;
  const set = {
    n,
    x: Float32Array.from({ length: n * 3 * 16 }, () => randn(rng)),
    y: Float32Array.from({ length: n * 2 * 16 }, () => randn(rng)),
  };
  const params = initParams(spec, rng);
  params.betas.fill(0.5);
  const model = await (await getTrainingBackend('auto')).create(spec, params);
  const perSample = 5 * 16;
  const whole = await setLoss(model, set),
    chunked = await setLoss(model, set, 5 * perSample);
  assert.ok(Math.abs(whole - chunked) < 1e-6 * whole, `loss ${whole} vs chunked ${chunked}`);
  const a = await setComponents(model, set),
    b = await setComponents(model, set, 5 * perSample);
  assert.equal(b.length, 3);
  a.forEach((c, k) => c.forEach((v, i) => assert.ok(Math.abs(v - b[k][i]) < 1e-5, `order ${k}[${i}]`)));
  await model.dispose();
});
