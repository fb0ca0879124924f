/** Remembered statistics: the same numbers as computing them, per sample set, and only while remembered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelStats, rememberStats } from '../../../../src/engine/linalg/channel-stats';
import { featureTensor } from '../../../../src/engine/tensor';

test('remembered channel statistics equal computed ones, per sample set, and are forgotten with the answer', () => {
  const data = Float32Array.from({ length: 6 * 2 * 2 * 3 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 3)));
  const t = featureTensor([6, 2, 2, 3], data);
  const first = Int32Array.of(0, 1, 2);
  const all = Int32Array.of(0, 1, 2, 3, 4, 5);
  const plain = { first: channelStats(t, first), all: channelStats(t, all) };

  const forget = rememberStats(t, t);
  assert.deepEqual(channelStats(t, first), plain.first);
  assert.deepEqual(channelStats(t, all), plain.all);
  // A caller may change what it is handed back without changing what is remembered.
  channelStats(t, all).std.fill(0);
  assert.deepEqual(channelStats(t, all), plain.all);
  forget();

  data[0] += 100; // after forgetting, the statistics follow the data again
  assert.notDeepEqual(channelStats(t, first).mean, plain.first.mean);
});
