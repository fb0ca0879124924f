/**
 * Large maps are fitted and measured through windows (windows.ts): the planted answer still comes out, every map
 * position is measured, and the report says how the maps were sampled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTrainingBackend } from '../../../../src/engine/compute/index';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { evaluate } from '../../../../src/engine/disentangler/evaluate';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { initParams } from '../../../../src/engine/disentangler/init';
import { samplingPlan } from '../../../../src/engine/disentangler/plan';
import type { PairData } from '../../../../src/engine/disentangler/samples';
import { geometry, randomWindows, tileCount, tiles } from '../../../../src/engine/disentangler/windows';
import { createRng } from '../../../../src/engine/random';
import { addNoise, conv, randomWeights, smoothFeatures } from './planted';

test('geometry: windows on large maps only, whole maps for small ones and for the per-sample hidden scale', () => {
  const net = { orders: 2, kernel: 3, perSampleScale: false } as const;
  const large = geometry(112, 112, net);
  assert.deepEqual([large.windowed, large.rows.span, large.rows.halo, tileCount(large)], [true, 30, 3, 25]);
  assert.equal(geometry(28, 28, net).windowed, false);
  assert.equal(geometry(112, 112, { ...net, perSampleScale: true }).windowed, false);
  assert.equal(geometry(112, 112, { ...net, kernel: 1 }).rows.span, 24, 'a 1×1 chain needs no halo');
});

test('random windows count every position equally often, edges included; tiles cover each map once', () => {
  const g = geometry(64, 64, { orders: 2, kernel: 3, perSampleScale: false });
  const counts = new Float64Array(64);
  const rng = createRng(3);
  const samples = new Int32Array(20000);
  for (const w of randomWindows(samples, g, rng))
    for (let y = Math.max(0, w.top); y < Math.min(64, w.top + g.rows.side); y++) counts[y]++;
  const expected = (20000 * g.rows.side) / (64 + g.rows.side - 1);
  for (const c of counts) assert.ok(Math.abs(c / expected - 1) < 0.08, `row counted ${c}, expected ${expected}`);
  const all = tiles(Int32Array.of(0, 1), g, Infinity);
  assert.equal(all.length, 2 * tileCount(g));
  const stratified = tiles(
    Int32Array.from({ length: 9 }, (_, i) => i),
    g,
    1,
  );
  assert.equal(new Set(stratified.map((w) => `${w.top},${w.left}`)).size, 9, 'nine samples, nine different tiles');
});

test('B = 3×3 conv of A + 20 % noise on 112×112 maps, fitted and measured on windows → explained ≈ 0.80, every position measured', async () => {
  const rng = createRng(5);
  const a = smoothFeatures([48, 112, 112, 3], 2);
  const b = addNoise(conv(a, randomWeights(2, 3, 3, rng), 2, 3), 0.2, rng);
  const r = await disentangle(a, b, resolveSettings({ epochs: 6 }), { layerA: 'a', layerB: 'b', direction: 'A->B' });
  console.log(
    `# explained ${r.explained.toFixed(3)}, order 0 ${r.orders[0].fraction.toFixed(3)}; ${r.sampling?.train}`,
  );
  assert.ok(Math.abs(r.explained - 0.8) < 0.03, `explained ${r.explained}`);
  assert.match(r.sampling?.train ?? '', /^one 24×24 window \(\+3 halo\) per fit sample per epoch/);
  assert.equal(r.sampling?.evaluate, 'every position', 'three channels: every position is affordable');
  const perPosition = [...(r.maps?.perPosition.values ?? [])].sort((x, y) => x - y);
  assert.equal(perPosition.length, 112 * 112);
  assert.ok(perPosition[0] !== 0, 'every position was measured');
  assert.ok(
    Math.abs(perPosition[perPosition.length >> 1] - 0.8) < 0.05,
    `median ${perPosition[perPosition.length >> 1]}`,
  );
  for (const s of r.maps?.samples ?? []) assert.ok(s.inconsistentEnergy.every((e) => e > 0));
});

test('held-out numbers on every position when affordable, else on stratified tiles (the map samples whole)', async () => {
  const g = geometry(112, 112, { orders: 2, kernel: 3, perSampleScale: false });
  const spec = (channels: number): DisentanglerSpec => ({
    orders: 2,
    kernel: 3,
    channelsA: channels,
    channelsB: channels,
    height: 30,
    width: 30,
    alpha: 0.1,
    weightDecay: 0,
    hiddenScale: 'batch',
    masked: true,
  });
  const limits = { batch: 64, ridgeRows: 120000, ridgeTilesByMemory: 25 };
  // faceres' 112×112×64 layer: every position at 64 probes, 14 of 25 tiles at 500.
  assert.equal(
    samplingPlan(g, { fit: 43, validation: 8, test: 13 }, limits, spec(64)).sampling.evaluate,
    'every position',
  );
  const large = samplingPlan(g, { fit: 340, validation: 60, test: 100 }, limits, spec(64));
  assert.deepEqual([large.testTiles, large.epochTiles, large.ridgeTiles], [14, 2, 1]);
  assert.match(
    large.sampling.evaluate,
    /^14 of 25 24×24 tiles per test sample \(56 % of positions, every tile of the first 4/,
  );

  // The same held-out set measured on every tile and on 6 of 25 per sample (4 map samples whole): every position
  // is still measured, and the numbers agree.
  const rng = createRng(9);
  const a = smoothFeatures([24, 112, 112, 2], 4);
  const b = addNoise(conv(a, randomWeights(2, 2, 3, rng), 2, 3), 0.3, rng);
  const identity = { shift: new Float64Array(2), scale: new Float64Array(2).fill(1), perSample: false };
  const pair: PairData = { source: a, target: b, x: identity, y: identity, geometry: g };
  const model = await (await getTrainingBackend('auto')).create(spec(2), initParams(spec(2), rng));
  const samples = Int32Array.from({ length: 24 }, (_, i) => i);
  const maps = samples.subarray(0, 4);
  const every = await evaluate(model, pair, tiles(samples, g, Infinity), 64, 1, maps);
  const sampled = await evaluate(
    model,
    pair,
    [...tiles(maps, g, Infinity), ...tiles(samples.subarray(4), g, 6)],
    64,
    1,
    maps,
  );
  await model.dispose();
  assert.ok(
    sampled.maps.perPosition.values.every((v) => v !== 0),
    'every position measured',
  );
  assert.ok(Math.abs(sampled.explained - every.explained) < 0.05, `${sampled.explained} vs ${every.explained}`);
  assert.deepEqual(
    (sampled.maps.samples ?? []).map((m) => [
      m.index,
      m.inconsistentEnergy.length,
      m.inconsistentEnergy.every((e) => e > 0),
    ]),
    [0, 1, 2, 3].map((i) => [i, 112 * 112, true]),
    'the map samples are measured whole',
  );
});
