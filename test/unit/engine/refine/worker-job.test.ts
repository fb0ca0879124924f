/**
 * The worker's kc/refine job: one progress step per stage (running A and B, then per seed fitting g, fine-tuning B′,
 * fine-tuning the baseline), and a cancel from the host stops it with CancelledError.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { CancelledError } from '../../../../src/engine/cancel';
import type { Progress } from '../../../../src/protocol/progress';
import { REFINE_DEFAULTS, type RefineOptions } from '../../../../src/protocol/refine';
import { refineJob } from '../../../../src/worker/refine';

const SAMPLES = path.join(__dirname, '../../../../samples');
const options: RefineOptions = {
  ...REFINE_DEFAULTS,
  modelA: path.join(SAMPLES, 'mnist-cnn-seed1/model.onnx'),
  modelB: path.join(SAMPLES, 'mnist-cnn-undertrained/model.onnx'),
  layerB: 'relu3',
  labels: 'mnist',
  count: 200,
  epochs: 1,
  seeds: 2,
  disentangler: { epochs: 2 },
};

describe('kc/refine in the worker', () => {
  it('reports one step per stage and answers with the report', async () => {
    const steps: Progress[] = [];
    const report = await refineJob({ jobId: 'r1', options }, new CancellationTokenSource().token, {
      onProgress: (p) => steps.push(p),
      log: () => {},
    });
    assert.deepEqual(
      steps.map((s) => [s.done, s.total]),
      [
        [0, 7],
        [1, 7],
        [2, 7],
        [3, 7],
        [4, 7],
        [5, 7],
        [6, 7],
      ],
    );
    assert.match(steps[1].detail ?? '', /seed 0: fitting g \(relu3 → relu3\)/);
    assert.match(steps[6].detail ?? '', /seed 1: fine-tuning B's upper part alone \(baseline\)/);
    assert.equal(report.seeds.length, 2);
    assert.equal(report.layerA, 'relu3');
  });

  it('stops on cancel', async () => {
    const source = new CancellationTokenSource();
    await assert.rejects(
      refineJob({ jobId: 'r2', options }, source.token, {
        onProgress: (p) => {
          if (p.done === 1) source.cancel();
        },
        log: () => {},
      }),
      CancelledError,
    );
  });
});
