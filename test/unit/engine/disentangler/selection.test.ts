/**
 * Model selection (early stopping, the parameters kept) runs on a validation set carved out of the training split:
 * the test split the report is computed on decides nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import {
  carveValidation,
  MIN_TRAINING,
  MIN_VALIDATION,
  validationSize,
} from '../../../../src/engine/disentangler/holdout';
import { createRng, randn } from '../../../../src/engine/random';
import { splitIndices } from '../../../../src/engine/split';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { addNoise, conv, randomWeights, smoothFeatures } from './planted';

const N = 300;
const a = smoothFeatures([N, 6, 6, 4], 1);
const rng = createRng(2);
const b = addNoise(conv(a, randomWeights(3, 4, 3, rng), 3, 3), 0.3, rng);
const options = { layerA: 'a', layerB: 'b', direction: 'A->B', similarity: { linearCKA: 0 } } as const;

/** The samples `ids` of t replaced by large, unrelated noise. */
function garbage(t: FeatureTensor, ids: Int32Array, seed: number): FeatureTensor {
  const noise = createRng(seed);
  const data = Float32Array.from(t.data);
  const per = data.length / t.shape[0];
  for (const s of ids) for (let i = s * per; i < (s + 1) * per; i++) data[i] = 50 + 100 * randn(noise);
  return { shape: t.shape, data };
}

test('the validation set is carved from the training split: disjoint, seeded, 15 % with at least 8, none below 32', () => {
  const { train } = splitIndices(N, 0.2, 0);
  const { fit, validation } = carveValidation(train, 0);
  assert.deepEqual([fit.length, validation.length], [204, 36]);
  assert.deepEqual(
    [...fit, ...validation].sort((x, y) => x - y),
    [...train],
    'fit ∪ validation = the training split',
  );
  assert.deepEqual(carveValidation(train, 0).validation, validation, 'same seed, same carve');
  assert.notDeepEqual(carveValidation(train, 1).validation, validation);
  assert.deepEqual(
    [validationSize(MIN_TRAINING - 1), validationSize(MIN_TRAINING), validationSize(1000)],
    [0, MIN_VALIDATION, 150],
  );
  assert.equal(carveValidation(train.subarray(0, MIN_TRAINING - 1), 0).validation.length, 0);
});

test('garbage in the test samples changes the test numbers but not which epoch is selected', async () => {
  const settings = resolveSettings({ epochs: 20, patience: 3 });
  const { test: held } = splitIndices(N, settings.testFraction, settings.seed);
  const clean = await disentangle(a, b, settings, options);
  const spoiled = await disentangle(garbage(a, held, 3), garbage(b, held, 4), settings, options);
  const t = clean.training;
  assert.deepEqual(t.samples, { fit: 204, validation: 36, test: 60 });
  assert.ok(
    t.curve.every((c) => Number.isFinite(c.validation)),
    'every epoch has its validation loss',
  );
  if (t.bestEpoch)
    assert.equal(
      t.validationLoss,
      t.curve[t.bestEpoch - 1].validation,
      'the kept epoch is the one with that validation loss',
    );
  assert.ok(
    t.curve.every((c) => c.validation! >= t.validationLoss! * (1 - 1e-3)),
    'no epoch beat it by the 0.1 % margin',
  );
  // Same selection: the same epochs ran, the same one was kept, with the same fit and validation losses.
  assert.deepEqual(
    [spoiled.training.epochs, spoiled.training.bestEpoch, spoiled.training.earlyStopped],
    [t.epochs, t.bestEpoch, t.earlyStopped],
  );
  assert.deepEqual(
    spoiled.training.curve.map((c) => [c.train, c.validation]),
    t.curve.map((c) => [c.train, c.validation]),
  );
  assert.deepEqual(spoiled.training.gates, t.gates);
  // …while the test split did change what the report measures.
  assert.notDeepEqual(
    spoiled.training.curve.map((c) => c.test),
    t.curve.map((c) => c.test),
  );
  assert.ok(
    clean.explained > 0.6 && spoiled.explained < clean.explained - 0.3,
    `explained ${clean.explained} vs ${spoiled.explained}`,
  );
});

test('a training split too small for a validation set: every epoch runs, the last parameters stay, a warning says so', async () => {
  // 38 samples: the fewest that hold out 8 (split.ts), leaving 30 to train on.
  const first38 = (t: FeatureTensor): FeatureTensor => ({
    shape: [38, t.shape[1], t.shape[2], t.shape[3]],
    data: t.data.subarray(0, (38 * t.data.length) / N),
  });
  const r = await disentangle(first38(a), first38(b), resolveSettings({ epochs: 5, patience: 1 }), options);
  assert.deepEqual(r.training.samples, { fit: 30, validation: 0, test: 8 });
  assert.deepEqual(
    [r.training.epochs, r.training.bestEpoch, r.training.earlyStopped, r.training.validationLoss],
    [5, 5, false, undefined],
  );
  assert.ok(r.training.curve.every((c) => c.validation === undefined));
  assert.match(r.warnings?.join('\n') ?? '', /only 30 samples .*no early stopping/);
});
