// The notification's overall progress from the engine's stages: monotone, within 0..1, pairs weighted by count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overallFraction, progressMessage, ProgressMeter } from '../../../src/extension/analysis/progress';

describe('overallFraction', () => {
  it('orders the stages of a compare and stays within 0..1', () => {
    const stages = [
      { stage: 'load models', done: 1, total: 2 },
      { stage: 'extract A: m (3 layers)', done: 32, total: 64 },
      { stage: 'extract B: m (3 layers)', done: 64, total: 64 },
      { stage: 'linear CKA matrix', done: 3, total: 9 },
      { stage: 'pair 1/4 pool1 → pool1 A->B', done: 10, total: 40 },
      { stage: 'pair 4/4 relu3 → relu3 B->A', done: 40, total: 40 },
    ];
    const fractions = stages.map((s) => overallFraction(s)!);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] > fractions[i - 1], `${stages[i].stage}: ${fractions[i]} ≤ ${fractions[i - 1]}`);
    assert.equal(fractions.at(-1), 1);
    assert.equal(overallFraction({ stage: 'something new', done: 1, total: 2 }), undefined);
  });
});

describe('ProgressMeter', () => {
  it('reports increments that never go backwards and sum to the fraction', () => {
    const meter = new ProgressMeter();
    const increments = [0.1, 0.05, undefined, 0.5, 0.4, 1].map((f) => meter.advance(f));
    assert.deepEqual(increments.map((x) => Math.round(x)), [10, 0, 0, 40, 0, 50]);
    assert.equal(meter.fraction, 1);
  });
});

describe('progressMessage', () => {
  it('names the unit of the stage', () => {
    assert.equal(progressMessage({ stage: 'pair 1/2 a → a A->B', done: 3, total: 40, detail: 'loss 0.1' }), 'pair 1/2 a → a A->B · epoch 3/40 · loss 0.1');
    assert.equal(progressMessage({ stage: 'extract A: m (2 layers)', done: 64, total: 128 }), 'extract A: m (2 layers) · samples 64/128');
  });
});
