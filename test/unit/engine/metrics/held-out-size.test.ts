/**
 * The held-out ridge estimate needs MIN_TEST_SAMPLES held-out samples, as the disentangler does: refused in one line
 * when called alone, left out of the similarity measures (which use all samples otherwise). Before: 1 held-out dense
 * sample read ridgeExplained 0.000.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KcError } from '../../../../src/engine/errors';
import { ridgeExplained } from '../../../../src/engine/linalg/ridge';
import { similarityMeasures } from '../../../../src/engine/metrics/index';
import { MIN_TEST_SAMPLES, testCount } from '../../../../src/engine/split';
import { mapFlat, randomTensor, randomWeights } from './helpers';

const x = randomTensor([200, 8], 1);
const y = mapFlat(x, Float64Array.from(randomWeights(8 * 6, 2)), 6);

test('ridgeExplained with 1 sample held out → one-line KcError with the counts', () => {
  assert.throws(
    () => ridgeExplained(x, y, { kernel: 1, testFraction: 0.001, seed: 0 }),
    (e: unknown) =>
      e instanceof KcError &&
      /^200 probe samples, test fraction 0\.001: 1 held out/.test(e.message) &&
      !/\n/.test(e.message),
  );
});

test('similarityMeasures leaves ridgeExplained out below 8 held-out samples and keeps it from 8 on', async () => {
  for (const n of [6, 37, 38]) {
    const part = (t: typeof x) => ({ shape: [n, 1, 1, t.shape[3]] as const, data: t.data.subarray(0, n * t.shape[3]) });
    const m = await similarityMeasures(part(x), part(y), { testFraction: 0.2 });
    assert.equal('ridgeExplained' in m, testCount(n, 0.2) >= MIN_TEST_SAMPLES, `n = ${n}: ${JSON.stringify(m)}`);
    assert.ok(m.linearCKA > 0.3, `CKA uses every sample: ${m.linearCKA}`);
  }
});
