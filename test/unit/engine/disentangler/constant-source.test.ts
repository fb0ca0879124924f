/**
 * A layer A that is constant on the probes explains nothing of B: explained 0 with a warning that says so, never an
 * internal error. Before: 'internal error: matrix of size 8 could not be factored' (the ridge warm start and the
 * ridge baseline solved 0·W = 0 with a relative ridge of 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { createRng } from '../../../../src/engine/random';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { gaussian, smoothFeatures } from './planted';

const flat = (shape: FeatureTensor['shape'], value: number): FeatureTensor => ({
  shape,
  data: new Float32Array(shape[0] * shape[1] * shape[2] * shape[3]).fill(value),
});

for (const [what, a, b] of [
  ['dense', flat([200, 1, 1, 8], 3), gaussian([200, 1, 1, 6], createRng(1))],
  ['3×3 maps', flat([80, 5, 5, 4], -0.7), smoothFeatures([80, 5, 5, 3], 2)],
] as const) {
  test(`constant A (${what}) → explained 0, all of B inconsistent, a warning, every number finite`, async () => {
    const r = await disentangle(a, b, resolveSettings({ epochs: 3 }), {
      layerA: 'dead',
      layerB: 'b',
      direction: 'A->B',
    });
    assert.equal(r.explained, 0);
    assert.ok(r.orders.every((o) => o.fraction === 0));
    assert.equal(r.inconsistent.fraction, 1);
    assert.equal(r.similarity.linearCKA, 0);
    assert.equal(r.similarity.ridgeExplained, 0);
    assert.ok(
      r.warnings?.includes('layer A "dead" is constant on the probe samples: it carries no information'),
      `warnings: ${r.warnings}`,
    );
    assert.ok(JSON.stringify(r).match(/NaN|Infinity|null/) === null);
  });
}
