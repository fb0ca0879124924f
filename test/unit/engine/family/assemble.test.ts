import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftSeries } from '../../../../src/engine/family/drift';
import { assembleFamily } from '../../../../src/engine/family/family';
import { familyJobs, driftJobs, type FitJob } from '../../../../src/engine/family/jobs';
import type { FitResult } from '../../../../src/protocol/family';

const fit = (job: FitJob, explained: number): FitResult => ({
  ...job,
  explained,
  orders: [explained, 0, 0],
  linearCKA: 0.9,
  epochs: 3,
  seconds: 0.1,
});

test('assembleFamily places each fit at [layer][source][target] and derives means, reliability and the worst pair', () => {
  // Planted: explained = 0.9 + source/10 − target/100 on pool1; pool2 lacks the fit 2 → 0 (skipped).
  const planted = (i: number, j: number) => 0.9 + i / 100 - j / 1000;
  const jobs = familyJobs(3, ['pool1', 'pool2']).filter(
    (j) => !(j.layer === 'pool2' && j.source === 2 && j.target === 0),
  );
  // Any order: fits may come back from a job queue shuffled.
  const fits = jobs.map((j) => fit(j, planted(j.source, j.target))).reverse();
  const { matrix, modelMeans, reliability } = assembleFamily(3, ['pool1', 'pool2'], fits);
  for (let i = 0; i < 3; i++) {
    assert.equal(matrix[0][i][i], null, 'the diagonal is not fitted');
    for (let j = 0; j < 3; j++) if (i !== j) assert.equal(matrix[0][i][j], planted(i, j));
  }
  assert.equal(matrix[1][2][0], null);
  const offDiagonal = [0, 1, 2].flatMap((i) => [0, 1, 2].filter((j) => j !== i).map((j) => planted(i, j)));
  const mean = offDiagonal.reduce((a, b) => a + b, 0) / 6;
  assert.ok(Math.abs(reliability[0].mean! - mean) < 1e-12);
  assert.equal(reliability[0].n, 6);
  assert.equal(reliability[1].n, 5);
  assert.ok(reliability[0].low! < mean && mean < reliability[0].high!);
  // Smallest: source 0 explaining target 2.
  assert.deepEqual(reliability[0].worst, { source: 0, target: 2, explained: planted(0, 2) });
  // Model 1's mean: its row (1→0, 1→2) and its column (0→1, 2→1).
  const m1 = (planted(1, 0) + planted(1, 2) + planted(0, 1) + planted(2, 1)) / 4;
  assert.ok(Math.abs(modelMeans[0][1]! - m1) < 1e-12);
  // Model 2 on pool2 without the skipped fit 2 → 0: three entries.
  assert.ok(Math.abs(modelMeans[1][2]! - (planted(2, 1) + planted(0, 2) + planted(1, 2)) / 3) < 1e-12);
});

test('driftSeries reads checkpoint k explaining its reference; previous leaves the first checkpoint empty', () => {
  const final = driftJobs(3, ['pool1'], 'final').map((j) => fit(j, 0.8 + j.source / 10));
  assert.deepEqual(driftSeries(3, ['pool1'], 'final', final), [[0.8, 0.9, 1]]);
  const previous = driftJobs(3, ['pool1'], 'previous').map((j) => fit(j, 0.5 + j.source / 10));
  assert.deepEqual(driftSeries(3, ['pool1'], 'previous', previous), [[null, 0.6, 0.7]]);
  // A fit of the wrong reference is not read as this one's.
  assert.deepEqual(driftSeries(3, ['pool1'], 'previous', final), [[null, null, null]]);
});
