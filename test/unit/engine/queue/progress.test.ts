// Queue mode's progress: each worker's fit in flight is part of the progress data and of its one-line label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressTracker } from '../../../../src/engine/progress';
import type { QueuedFit } from '../../../../src/engine/queue/dispatch';
import type { FitJobData } from '../../../../src/engine/queue/fit-job';
import { queueProgress } from '../../../../src/engine/queue/progress';
import { progressLabel, type Progress } from '../../../../src/protocol/progress';

const fit = (id: string, layer: string): QueuedFit => ({
  id,
  data: { layerA: layer, layerB: layer, direction: 'A->B', settings: { epochs: 10 } } as unknown as FitJobData,
});

test('progress names every worker and its fit until that fit is done', () => {
  const updates: Progress[] = [];
  const fits = [fit('f1', 'conv1'), fit('f2', 'conv2'), fit('f3', 'conv3')];
  const bar = queueProgress(new ProgressTracker((p) => updates.push(p)), fits);
  bar.onProgress(fits[0], { done: 3, total: 10, worker: 'gpu-1:12' });
  bar.onProgress(fits[1], { done: 1, total: 10, worker: 'cpu-2:7' });
  let last = updates.at(-1)!;
  assert.deepEqual(
    last.workers?.map((w) => [w.worker, w.layerA, w.done, w.total]),
    [
      ['gpu-1:12', 'conv1', 3, 10],
      ['cpu-2:7', 'conv2', 1, 10],
    ],
  );
  assert.match(progressLabel(last), / · 2 workers: gpu-1:12 3\/10, cpu-2:7 1\/10/);

  bar.finished(fits[0]);
  last = updates.at(-1)!;
  assert.deepEqual(
    last.workers?.map((w) => w.worker),
    ['cpu-2:7'],
  );
  assert.match(progressLabel(last), / · 1 worker: cpu-2:7 1\/10/);

  bar.onProgress(fits[2], { done: 0, total: 10, worker: 'gpu-1:12' });
  assert.deepEqual(
    updates.at(-1)!.workers?.map((w) => [w.worker, w.layerA]),
    [
      ['cpu-2:7', 'conv2'],
      ['gpu-1:12', 'conv3'],
    ],
  );
});
