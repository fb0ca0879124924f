// The plan of kc family and kc drift on the real sample models: calibrated on the open members, every fit estimated
// from its own layers, each member extracted once, and a budget that cuts probes first, then whole layers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BUDGET_MIN_PROBES } from '../../../../src/engine/compare/budget';
import { DEFAULT_RATES } from '../../../../src/engine/compare/cost';
import { resolveSettings } from '../../../../src/engine/disentangler/index';
import { driftJobs, familyJobs } from '../../../../src/engine/family/jobs';
import { withOpenMembers } from '../../../../src/engine/family/members';
import { calibrateMembers, estimateJobs, planJobs } from '../../../../src/engine/family/plan';
import { ProgressTracker } from '../../../../src/engine/progress';
import { ROOT } from '../../kc';

const MODELS = ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'mnist-cnn-pruned', 'mnist-cnn-wide'].map((name) =>
  path.join(ROOT, 'samples', name, 'model.onnx'),
);
const settings = resolveSettings({ preset: 'fast' });
// relu3 is no probe point of the wide model (a conv layer there, a dense one in the seeds): named explicitly.
const options = { probe: { source: 'synthetic' as const, count: 1000 }, layers: ['pool1', 'pool2', 'relu3'] };

test('a family of four sample models: calibrated, estimated per fit, extracted once per model, and cut to a budget', async () => {
  await withOpenMembers(MODELS, options, settings, { progress: new ProgressTracker(undefined) }, async (open) => {
    assert.deepEqual(open.layers, ['pool1', 'pool2', 'relu3']);
    const jobs = familyJobs(4, open.layers);
    const rates = await calibrateMembers(open, jobs, settings, undefined);
    assert.match(rates.source, /^measured: extraction \d+ \/ \d+ samples\/s, training [\d.]+ GMAC\/s/);
    const shape = { tables: open.tables, settings };

    const asked = estimateJobs(shape, jobs, 1000, rates);
    assert.equal(asked.fits.length, 4 * 3 * 3, 'N(N − 1) fits per layer');
    assert.ok(asked.totalSeconds > 0 && asked.disentangleSeconds > asked.extractSeconds);
    // The wide model's layers are wider: its fits cost more than the same layer's fits between two narrow seeds.
    const seconds = (layer: string, source: number, target: number) =>
      asked.fits.find((f) => {
        const members = f as { source?: number; target?: number };
        return f.layerA === layer && members.source === source && members.target === target;
      })!.seconds;
    assert.ok(
      seconds('pool2', 3, 0) > seconds('pool2', 1, 0),
      'the wide model (32 channels, not 16) explaining costs more',
    );
    // Extraction once per model: a family of 4 extracts twice what a family of 2 does (the same rates per member
    // here, as the seeds and the pruned model are one architecture and 0 and 3 are timed).
    const two = estimateJobs(shape, familyJobs(2, open.layers), 1000, rates);
    assert.ok(asked.extractSeconds > 1.5 * two.extractSeconds && asked.extractSeconds < 4 * two.extractSeconds);
    // A drift against the final checkpoint has one fit per checkpoint and layer.
    assert.equal(estimateJobs(shape, driftJobs(4, open.layers, 'final'), 1000, rates).fits.length, 12);

    // At fixed rates, the budget's choices are deterministic.
    const roomy = planJobs(shape, jobs, 1000, DEFAULT_RATES, 1e6);
    assert.equal(roomy.probes, 1000);
    assert.equal(roomy.jobs.length, 36);
    assert.match(roomy.plan.budget!.summary, /the whole run \(1000 probes, 3 layers\)/);

    const full = estimateJobs(shape, jobs, 1000, DEFAULT_RATES).totalSeconds;
    const fewerProbes = planJobs(shape, jobs, 1000, DEFAULT_RATES, full * 0.7);
    assert.ok(fewerProbes.probes < 1000 && fewerProbes.probes >= BUDGET_MIN_PROBES, `${fewerProbes.probes}`);
    assert.deepEqual(fewerProbes.layers, open.layers, 'every layer kept while fewer probes fit');
    assert.ok(fewerProbes.plan.estimate.totalSeconds <= full * 0.7);

    const floor = estimateJobs(shape, jobs, BUDGET_MIN_PROBES, DEFAULT_RATES).totalSeconds;
    const fewerLayers = planJobs(shape, jobs, 1000, DEFAULT_RATES, floor * 0.8);
    const choice = fewerLayers.plan.budget!;
    assert.ok(choice.fits && fewerLayers.layers.length < 3 && fewerLayers.layers.length > 0);
    // Whole layers go: every kept layer keeps all 12 of its fits, the dropped ones are named.
    assert.equal(fewerLayers.jobs.length, 12 * fewerLayers.layers.length);
    assert.deepEqual(
      choice.dropped.map((d) => d.layerA).sort(),
      open.layers.filter((l) => !fewerLayers.layers.includes(l)).sort(),
    );
    assert.match(choice.summary, /^budget .*: \d+ of 1000 probes, [12] of 3 layers, ≈ /);
    assert.equal(fewerLayers.plan.estimate.fits.length, fewerLayers.jobs.length);
  });
});
