/** Held-out passes in chunks give the same loss and evaluation as one batch (per-sample hidden scale: exactly). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTrainingBackend } from '../../../../src/engine/compute/index';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { setLoss } from '../../../../src/engine/disentangler/chunks';
import { evaluate } from '../../../../src/engine/disentangler/evaluate';
import { initParams } from '../../../../src/engine/disentangler/init';
import type { PairData } from '../../../../src/engine/disentangler/samples';
import { geometry, tiles } from '../../../../src/engine/disentangler/windows';
import { createRng, randn } from '../../../../src/engine/random';

test('setLoss / evaluate: 5 uneven chunks = one batch', async () => {
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
  const features = (c: number) => ({
    shape: [n, 4, 4, c] as const,
    data: Float32Array.from({ length: n * 16 * c }, () => randn(rng)),
  });
  const affine = (c: number) => ({ shift: new Float64Array(c), scale: new Float64Array(c).fill(1), perSample: false });
  const g = geometry(4, 4, { orders: 2, kernel: 3, perSampleScale: true });
  const pair: PairData = { source: features(3), target: features(2), x: affine(3), y: affine(2), geometry: g };
  const windows = tiles(
    Int32Array.from({ length: n }, (_, i) => i),
    g,
    1,
  );
  const params = initParams(spec, rng);
  params.betas.fill(0.5);
  const model = await (await getTrainingBackend('auto')).create(spec, params);
  const whole = await setLoss(model, pair, windows, n),
    chunked = await setLoss(model, pair, windows, 5);
  assert.ok(Math.abs(whole - chunked) < 1e-6 * whole, `loss ${whole} vs chunked ${chunked}`);
  const maps = Int32Array.of(0, 1);
  const a = await evaluate(model, pair, windows, n, 2, maps),
    b = await evaluate(model, pair, windows, 5, 2, maps);
  assert.equal(b.orders.length, 3);
  assert.ok(Math.abs(a.explained - b.explained) < 1e-6, `explained ${a.explained} vs ${b.explained}`);
  a.orders.forEach((o, k) => assert.ok(Math.abs(o.variance - b.orders[k].variance) < 1e-6 * o.variance));
  a.maps.perPosition.values.forEach((v, p) => assert.ok(Math.abs(v - b.maps.perPosition.values[p]) < 1e-5));
  await model.dispose();
});
