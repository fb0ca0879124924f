// Progress as data: the phase spans, the overall fraction (monotone, 0..1) and the estimate of time left, in one place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressTracker } from '../../../../src/engine/progress';
import { formatDuration, progressLabel, type Progress } from '../../../../src/protocol/progress';

function tracked(options: { disentangleOnly?: boolean } = {}) {
  let clock = 0;
  const seen: Progress[] = [];
  const tracker = new ProgressTracker((p) => seen.push(p), { ...options, now: () => clock });
  return { tracker, seen, tick: (seconds: number) => (clock += seconds * 1000) };
}

test('phases fill the bar in order, never backwards, and the last epoch of the last pair ends it', () => {
  const { tracker, seen } = tracked();
  tracker.load()({ done: 2, total: 2 });
  tracker.extract('A')({ done: 50, total: 100 });
  tracker.extract('B')({ done: 100, total: 100 });
  tracker.similarity()({ done: 3, total: 9 });
  tracker.load()({ done: 0, total: 2 }); // a late, smaller count does not move the bar back
  const pair = { count: 2, layerA: 'a/relu', layerB: 'b → relu', direction: 'A->B' as const };
  tracker.pair({ ...pair, index: 1 })({ done: 6, total: 12 });
  tracker.pair({ ...pair, index: 2 })({ done: 12, total: 12 });
  const fractions = seen.map((p) => p.overallFraction);
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1], `${i}: ${fractions}`);
  assert.equal(fractions.at(-1), 1);
  assert.deepEqual(
    seen.map((p) => p.phase),
    ['load', 'extract', 'extract', 'similarity', 'load', 'disentangle', 'disentangle'],
  );
  assert.equal(seen[1].model, 'A');
  // The pair travels as data: a layer name containing " → " is no problem for anyone.
  assert.deepEqual(seen.at(-1)!.pair, { ...pair, index: 2 });
});

test("time left: none at first, then from the disentangle phase's own rate", () => {
  const { tracker, seen, tick } = tracked({ disentangleOnly: true });
  const pair = { count: 4, layerA: 'x', layerB: 'y', direction: 'B->A' as const };
  tracker.pair({ ...pair, index: 1 })({ done: 0, total: 10 });
  assert.equal(seen.at(-1)!.etaSeconds, undefined);
  tick(10);
  tracker.pair({ ...pair, index: 1 })({ done: 10, total: 10 }); // a quarter of the job in 10 s
  assert.equal(seen.at(-1)!.etaSeconds, 30);
  tick(10);
  tracker.pair({ ...pair, index: 2 })({ done: 10, total: 10 });
  assert.equal(seen.at(-1)!.etaSeconds, 20);
});

test('one label for every renderer', () => {
  const base = { done: 3, total: 12, overallFraction: 0.5 };
  assert.equal(
    progressLabel({
      ...base,
      phase: 'disentangle',
      pair: { index: 2, count: 6, layerA: 'a', layerB: 'b', direction: 'A->B' },
      detail: 'loss 0.1',
      etaSeconds: 125,
    }),
    'pair 2/6 a ↔ b, A → B · epoch 3/12 · loss 0.1 · about 2 min 05 s left',
  );
  assert.equal(progressLabel({ ...base, phase: 'extract', model: 'B' }), 'extracting features of B · samples 3/12');
  assert.equal(progressLabel({ ...base, phase: 'similarity' }, { counts: false }), 'similarity matrix');
  assert.deepEqual([5, 59.6, 61, 3600 * 2 + 60 * 3].map(formatDuration), [
    '5 s',
    '1 min 00 s',
    '1 min 01 s',
    '2 h 03 min',
  ]);
});

test('fits side by side: the bar sums their shares, never backwards; every update names its fit and all in flight', () => {
  const { tracker, seen } = tracked({ disentangleOnly: true });
  const fits = tracker.concurrentPairs();
  const pair = (index: number) => ({ index, count: 4, layerA: 'a', layerB: 'b', direction: 'A->B' as const });
  const first = fits.start(pair(1));
  const second = fits.start(pair(2));
  first({ done: 2, total: 10 });
  second({ done: 8, total: 10 }); // the later fit runs ahead
  assert.deepEqual(
    [seen.at(-1)!.pair!.index, seen.at(-1)!.done, seen.at(-1)!.running, seen.at(-1)!.overallFraction],
    [2, 8, [1, 2], 0.25],
  );
  second({ done: 10, total: 10 }); // done, but its result waits for fit 1's: still in flight for the host
  fits.finish(1); // fit 1 stopped early at 2 of 10 epochs: counts whole once its result is out
  assert.deepEqual([seen.at(-1)!.pair!.index, seen.at(-1)!.running, seen.at(-1)!.overallFraction], [2, undefined, 0.5]);
  fits.finish(2);
  const third = fits.start(pair(3));
  third({ done: 5, total: 10 });
  assert.deepEqual([seen.at(-1)!.pair!.index, seen.at(-1)!.overallFraction], [3, 0.625]);
  fits.finish(3);
  fits.start(pair(4))({ done: 10, total: 10 });
  const fractions = seen.map((p) => p.overallFraction);
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1], `${i}: ${fractions}`);
  assert.equal(fractions.at(-1), 1);
});
