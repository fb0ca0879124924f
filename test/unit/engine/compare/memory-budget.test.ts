/**
 * The disentangler's batches follow the memory budget (CompareOptions.memoryBudgetMb, kc compare --memory): under a
 * tight budget a pair streams in small batches, and a pair that needs more than the budget even one window at a
 * time is skipped with its reason instead of exhausting the machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompareOptions } from '../../../../src/protocol/compare';
import { compareWithItself, SEED1 } from './self-compare';

/** relu1 and pool2 of seed 1 with themselves on 60 MNIST digits, two quick epochs, under `memoryBudgetMb`. */
function underBudget(memoryBudgetMb: number, direction: CompareOptions['direction']) {
  return compareWithItself(SEED1, ['relu1', 'pool2'], {
    probe: { source: 'mnist', count: 60 },
    direction,
    settings: { epochs: 2, kernel: 1, seed: 1 },
    memoryBudgetMb,
  });
}

test('0.4 MB: relu1 (28×28×8, ≈ 1.1 MB for one window) is skipped with its reason; pool2 runs in batches of a few', async () => {
  const report = await underBudget(0.4, 'a2b');
  assert.deepEqual(
    report.skipped?.map((s) => s.layerA),
    ['relu1'],
  );
  assert.match(
    report.skipped![0].reason,
    /needs about 1\.1 MB at batch 1 \(28×28 window, 8 → 8 channels\), over the memory budget of 0\.[24] MB: raise it \(kc compare --memory/,
  );
  assert.deepEqual(
    report.pairs.map((p) => p.layerA),
    ['pool2'],
  );
  const batch = Number(/batch (\d+)/.exec(report.pairs[0].sampling?.train ?? '')?.[1]);
  assert.ok(batch >= 1 && batch <= 5, `pool2 trained in batches of ${batch}`);
  assert.ok(report.pairs[0].explained > 0.9, `explained ${report.pairs[0].explained}`);
});

test('1.5 MB: relu1 needs more than a share of two fits at once but fits the whole budget: it runs alone, one window at a time', async () => {
  const report = await underBudget(1.5, 'both');
  assert.equal(report.skipped, undefined);
  assert.deepEqual(
    report.pairs.map((p) => `${p.layerA} ${p.direction}`),
    ['relu1 A->B', 'relu1 B->A', 'pool2 A->B', 'pool2 B->A'],
  );
  assert.match(report.pairs[0].sampling?.train ?? '', /^whole 28×28 maps, batch 1$/);
  for (const p of report.pairs) assert.ok(p.explained > 0.9, `${p.layerA} ${p.direction}: ${p.explained}`);
});
