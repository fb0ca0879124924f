import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFamily } from '../../../../src/engine/family/family';
import { familyJobs } from '../../../../src/engine/family/jobs';
import type { Progress } from '../../../../src/protocol/progress';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');

test('a family of seed1, seed2 and seed1 again: seed1 explains its copy ≈ 1 and seed2 less, at every layer; each model is extracted once', async () => {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'kc-family-cache-'));
  const progress: Progress[] = [];
  try {
    const report = await runFamily(
      {
        models: [SEED1, SEED2, SEED1],
        probe: { source: 'mnist', count: 240 },
        settings: { epochs: 8, seed: 1 },
        cacheDir,
      },
      { onProgress: (p) => progress.push(p) },
    );
    assert.equal(report.kind, 'family');
    assert.deepEqual(
      report.models.map((m) => m.name),
      ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'mnist-cnn-seed1'],
    );
    // The probe points the three share, in depth order.
    assert.deepEqual(report.layers, ['pool1', 'pool2', 'relu3']);
    report.layers.forEach((layer, l) => {
      const m = report.matrix[l];
      const self = [m[0][2], m[2][0]];
      const other = [m[0][1], m[1][0], m[2][1], m[1][2]];
      assert.ok(
        [0, 1, 2].every((i) => m[i][i] === null),
        `${layer}: the diagonal is not fitted`,
      );
      assert.ok(
        self.every((v) => v! > 0.98),
        `${layer}: seed1 ↔ seed1 ${self.join(', ')}`,
      );
      assert.ok(
        other.every((v) => v! < Math.min(...self.map((s) => s!))),
        `${layer}: seed1 ↔ seed2 ${other.join(', ')} not below seed1 ↔ seed1 ${self.join(', ')}`,
      );
      // seed2 is the odd one out: the lowest mean consistency with the rest.
      const means = report.modelMeans[l].map((v) => v!);
      assert.equal(means.indexOf(Math.min(...means)), 1, `${layer}: model means ${means.join(', ')}`);
      const r = report.reliability[l];
      assert.equal(r.n, 6);
      assert.ok(r.low! < r.mean! && r.mean! < r.high!);
      assert.notEqual(r.worst!.source === 0 && r.worst!.target === 2, true, 'the worst pair is not seed1 ↔ seed1');
    });
    // Every job ran once, in the job list's order, under its stable key.
    assert.deepEqual(
      report.fits.map((f) => f.key),
      familyJobs(3, report.layers).map((j) => j.key),
    );
    // Features extracted once per model (3 extractions), not once per compared pair (6 for the 3 pairs).
    const extractions = progress.filter((p) => p.phase === 'extract' && p.done === 0).map((p) => p.model);
    assert.deepEqual(extractions, ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'mnist-cnn-seed1']);
    assert.ok(progress.every((p, i) => i === 0 || p.overallFraction >= progress[i - 1].overallFraction));
    // The feature cache is gone once the report is made.
    assert.deepEqual(await readdir(cacheDir), []);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});

test('a family needs two models and layers every model has', async () => {
  await assert.rejects(runFamily({ models: [SEED1], probe: { source: 'mnist', count: 20 } }), /at least two models/);
  await assert.rejects(
    runFamily({ models: [SEED1, SEED2], probe: { source: 'mnist', count: 20 }, layers: ['pool2', 'nosuch'] }),
    /mnist-cnn-seed1 has no layer named "nosuch"/,
  );
});
