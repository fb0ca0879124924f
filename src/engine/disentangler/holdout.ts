import { createRng, shuffle } from '../random';
import { checkTestSize, groupOf, splitIndices } from '../split';

/**
 * Model selection (early stopping, which parameters to keep) must not see the test split the report is computed on:
 * it runs on a validation set carved out of the training split: 15 % of the training samples, at least
 * MIN_VALIDATION of them, and only from a split of MIN_TRAINING samples up (the fit keeps ≥ 3/4; else no early stopping).
 */
export const VALIDATION_FRACTION = 0.15;
export const MIN_VALIDATION = 8;
export const MIN_TRAINING = 4 * MIN_VALIDATION;

/** Samples of a training split of `nTrain` held back for validation; 0 when it is too small to spare them. */
export function validationSize(nTrain: number): number {
  return nTrain >= MIN_TRAINING ? Math.max(MIN_VALIDATION, Math.round(nTrain * VALIDATION_FRACTION)) : 0;
}

/**
 * The training split's sample ids → the ones the weights are fitted on and the validation ones (both sorted,
 * seeded; an empty validation set when the split is too small). Its own stream: independent of the test split's.
 * With `groups` (splitIndices), whole groups go to validation until it holds its size, so that early stopping is
 * judged on texts the weights never saw.
 */
export function carveValidation(
  train: Int32Array,
  seed: number,
  groups?: readonly number[],
): { fit: Int32Array; validation: Int32Array } {
  const size = validationSize(train.length);
  if (size === 0) return { fit: train, validation: new Int32Array(0) };
  const rng = createRng(seed ^ 0x5bd1e995);
  if (!groups) {
    const order = shuffle(Int32Array.from(train), rng);
    return { fit: order.slice(size).sort(), validation: order.slice(0, size).sort() };
  }
  const group = groupOf(groups);
  const held = new Set<number>();
  let taken = 0;
  for (const g of shuffle(Int32Array.from(new Set(Array.from(train, (i) => group[i]))), rng)) {
    if (taken >= size) break;
    held.add(g);
    taken += groups[g];
  }
  return { fit: train.filter((i) => !held.has(group[i])), validation: train.filter((i) => held.has(group[i])) };
}

/**
 * The sizes of the probe's parts as the first seed's fit sees them: training (validation included), validation, test.
 * Refuses (one-line KcError) a probe too small for a held-out set worth reporting, before any model has run.
 */
export function probeSplitSizes(
  count: number,
  testFraction: number,
  seed: number,
): { train: number; validation: number; test: number } {
  checkTestSize(count, testFraction);
  const split = splitIndices(count, testFraction, seed);
  return { train: split.train.length, validation: validationSize(split.train.length), test: split.test.length };
}
