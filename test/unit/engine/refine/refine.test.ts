/**
 * `refine()` end to end on MNIST CNNs: B, B′ and the baseline are scored on the same held-out split, the baseline is
 * fine-tuned on the same training split as B′ (its loss before fine-tuning is B's own cross-entropy there), both
 * fine-tunings lower their loss, and the written B′ scores in a fresh session what the report says.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { accuracy } from '../../../../src/engine/refine/accuracy';
import { refine } from '../../../../src/engine/refine/index';
import { imageInput, openLabelled } from '../../../../src/engine/refine/labelled';
import { readOnnxModel } from '../../../../src/engine/refine/onnx-parts';
import { runModel } from '../../../../src/engine/refine/run-model';
import { splitIndices } from '../../../../src/engine/split';

const SAMPLES = path.join(__dirname, '../../../../samples');
const modelA = path.join(SAMPLES, 'mnist-cnn-seed1/model.onnx');
const modelB = path.join(SAMPLES, 'mnist-cnn-undertrained/model.onnx');
const COUNT = 400;

describe('kc refine', () => {
  it('scores B, B′ and the baseline on one split per seed and writes a B′ that scores the same when reloaded', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kc-refine-'));
    try {
      const out = path.join(dir, 'refined.onnx');
      const report = await refine({
        modelA,
        modelB,
        layerB: 'pool2',
        labels: 'mnist',
        count: COUNT,
        out,
        epochs: 3,
        batchSize: 64,
        learningRate: 1e-3,
        seeds: 2,
        seed: 5,
        testFraction: 0.5,
        disentangler: { epochs: 4 },
      });
      const b = await readOnnxModel(modelB);
      const set = await openLabelled('mnist', COUNT, imageInput(b.input.dims, modelB));
      const logits = (
        await runModel(readFileSync(modelB), b.input.name, { n: COUNT, sampleDims: set.sampleDims, data: set.data }, [
          b.output,
        ])
      ).get(b.output)!.data;
      assert.equal(report.seeds.length, 2);
      for (const s of report.seeds) {
        const split = splitIndices(COUNT, 0.5, s.seed);
        assert.deepEqual(s.split, { train: split.train.length, test: split.test.length });
        assert.equal(s.accuracy.B, accuracy(logits, 10, set.labels, split.test));
        // The baseline starts from B itself on the training split: its loss there is B's cross-entropy.
        assert.ok(Math.abs(s.loss.baseline.before - crossEntropy(logits, set.labels, split.train)) < 1e-4);
        assert.ok(s.loss.baseline.after < s.loss.baseline.before);
        assert.ok(s.loss.refined.after < s.loss.refined.before);
        assert.ok(s.explained > 0.5, `g explains ${s.explained} of B's pool2`);
      }
      for (const key of ['A', 'B', 'refinedUntuned', 'refined', 'baseline'] as const) {
        const a = report.accuracy[key];
        assert.ok(a.low <= a.mean && a.mean <= a.high && a.perSeed.length === 2, key);
      }
      assert.deepEqual(
        report.gain.overBaseline.perSeed,
        report.seeds.map((s) => s.accuracy.refined - s.accuracy.baseline),
      );
      assert.equal(report.out?.path, out);
      assert.equal(report.out?.verified.accuracy, report.seeds[0].accuracy.refined);
      // A well-trained A beats the undertrained B on the held-out split.
      assert.ok(report.accuracy.A.mean > report.accuracy.B.mean + 0.1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function crossEntropy(logits: Float32Array, labels: Int32Array, samples: Int32Array): number {
  let total = 0;
  for (const s of samples) {
    const row = logits.subarray(s * 10, s * 10 + 10);
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((acc, v) => acc + Math.exp(v - max), 0)) + max;
    total += logSum - row[labels[s]];
  }
  return total / samples.length;
}
