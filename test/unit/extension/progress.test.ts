// The notification's increments from the engine's overall fraction: monotone, summing to the fraction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressMeter } from '../../../src/extension/analysis/progress';

describe('ProgressMeter', () => {
  it('reports increments that never go backwards and sum to the fraction', () => {
    const meter = new ProgressMeter();
    const increments = [0.1, 0.05, undefined, 0.5, 0.4, 1].map((f) => meter.advance(f));
    assert.deepEqual(
      increments.map((x) => Math.round(x)),
      [10, 0, 0, 40, 0, 50],
    );
    assert.equal(meter.fraction, 1);
  });
});
