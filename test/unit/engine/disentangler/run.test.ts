/** The fit's plumbing: progress per epoch, cancellation, determinism, seeds and their spread, direction. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../../../../src/engine/cancel';
import type { StepProgress } from '../../../../src/protocol/progress';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { createRng } from '../../../../src/engine/random';
import { splitIndices } from '../../../../src/engine/split';
import { addNoise, conv, randomWeights, smoothFeatures, totalVariance } from './planted';

const a = smoothFeatures([120, 5, 5, 3], 1);
const rng = createRng(2);
const b = addNoise(conv(a, randomWeights(2, 3, 3, rng), 2, 3), 0.3, rng);

test('progress once per epoch, then the same numbers again for the same seed', async () => {
  const events: StepProgress[] = [];
  const settings = resolveSettings({ epochs: 6, patience: 0 });
  const r1 = await disentangle(a, b, settings, {
    layerA: 'c1',
    layerB: 'c2',
    direction: 'A->B',
    onProgress: (p) => events.push(p),
  });
  const training = events.filter((e) => /loss/.test(e.detail ?? ''));
  assert.deepEqual(
    training.map((e) => e.done),
    [1, 2, 3, 4, 5, 6],
  );
  assert.ok(training.every((e) => e.total === 6));
  assert.equal(events.at(-1)!.detail, 'similarity measures', 'the similarity baselines are announced too');
  assert.equal(r1.training.curve.length, 6);
  const r2 = await disentangle(a, b, settings, { layerA: 'c1', layerB: 'c2', direction: 'A->B' });
  assert.equal(r2.explained, r1.explained);
  assert.deepEqual(r2.training.gates, r1.training.gates);
});

test('cancellation stops the fit with CancelledError', async () => {
  const signal = { aborted: false };
  let seen = 0;
  await assert.rejects(
    disentangle(a, b, resolveSettings({ epochs: 50, patience: 0 }), {
      layerA: 'c1',
      layerB: 'c2',
      direction: 'A->B',
      signal,
      onProgress: () => {
        if (++seen === 2) signal.aborted = true;
      },
    }),
    CancelledError,
  );
  assert.equal(seen, 2);
});

test('--seeds 3: mean of the fits and their spread; B->A explains A from B', async () => {
  const r = await disentangle(a, b, resolveSettings({ seeds: 3, epochs: 8 }), {
    layerA: 'c1',
    layerB: 'c2',
    direction: 'A->B',
  });
  assert.equal(r.spread?.seeds, 3);
  assert.equal(r.spread!.orders.length, 3);
  assert.ok(r.spread!.explained > 0 && r.spread!.explained < 0.1, `std of explained ${r.spread!.explained}`);
  assert.ok([r.spread!.inconsistent, ...r.spread!.gates!].every(Number.isFinite));
  const back = await disentangle(a, b, resolveSettings({ epochs: 4 }), {
    layerA: 'c1',
    layerB: 'c2',
    direction: 'B->A',
  });
  const { test: held } = splitIndices(120, 0.2, 0);
  assert.ok(Math.abs(back.varianceB - totalVariance(a, held)) < 1e-3 * back.varianceB, 'B->A measures Var of A');
  assert.equal(back.maps!.perChannel.length, 3);
  assert.deepEqual([back.layerA, back.layerB, back.direction], ['c1', 'c2', 'B->A']);
});
