/**
 * Family and drift runs cut short or resumed: Ctrl-C keeps the report of the fits that finished, a rerun reuses
 * finished fits by content (what the extension's drift tracking does with a growing folder), and the PyTorch flags
 * reach the models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDrift } from '../../../../src/engine/family/drift';
import { partialManyModelReport } from '../../../../src/cli/partial-report';
import type { DriftReport, FamilyReport, ReusedFit } from '../../../../src/protocol/family';
import type { Progress } from '../../../../src/protocol/progress';
import { kc, kcInterrupted, ROOT } from '../../kc';

const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');
const RUN = path.join(ROOT, 'test', 'fixtures', 'workspace', 'models', 'torch-export');
const TORCH = path.join(ROOT, 'test', 'fixtures', 'models', 'pytorch');

test('a partial report needs a finished fit and says how many of the planned fits finished', () => {
  const base = { fits: [], planned: 6, warnings: ['w'] } as unknown as FamilyReport;
  assert.equal(partialManyModelReport(base), undefined);
  const fit = { key: 'fit-0to1-pool1', layer: 'pool1', source: 0, target: 1, explained: 0.5 };
  const partial = partialManyModelReport({ ...base, fits: [fit] } as unknown as FamilyReport)!;
  assert.deepEqual(partial.warnings, ['cancelled: a partial result, 1 of 6 fits finished', 'w']);
});

test('Ctrl-C during kc family keeps the finished fit: its matrix cell, nulls elsewhere, exit 130', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-family-cancel-'));
  try {
    const json = path.join(dir, 'family.json');
    // Without a TTY the bar prints a line per fit: once the second starts, the first has finished.
    const { code, stdout, stderr } = await kcInterrupted(
      [
        'family',
        SEED1,
        SEED2,
        SEED1,
        '--layers',
        'pool1,pool2',
        '--count',
        '200',
        '--preset',
        'thorough',
        '--epochs',
        '400',
        '--json',
        json,
      ],
      /pair 2\/12 /,
    );
    assert.equal(code, 130, stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as FamilyReport;
    assert.equal(report.fits.length, 1);
    assert.equal(report.planned, 12);
    assert.deepEqual(report.fits[0].key, 'fit-0to1-pool1');
    const m = report.matrix[0];
    assert.ok(m[0][1]! > 0 && m[0][1]! < 1, `seed1 explains seed2 at pool1: ${m[0][1]}`);
    assert.equal(m.flat().filter((v) => v !== null).length, 1);
    assert.ok(
      report.matrix[1].flat().every((v) => v === null),
      'pool2 had no finished fit',
    );
    assert.match(report.warnings[0], /^cancelled: a partial result, 1 of 12 fits finished$/);
    // The summary still prints, with the cancel note.
    assert.match(stdout, /pool1/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a drift rerun with the finished fits reuses them by content: only the new checkpoint is extracted and fitted', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-drift-reuse-'));
  try {
    await copyFile(path.join(RUN, 'epoch1.onnx'), path.join(dir, 'epoch1.onnx'));
    await copyFile(path.join(RUN, 'epoch2.onnx'), path.join(dir, 'epoch2.onnx'));
    const options = {
      folder: dir,
      against: 'previous' as const,
      probe: { source: 'mnist', count: 120 },
      settings: { epochs: 3, seed: 1 },
    };
    const first = await runDrift(options);
    assert.equal(first.fits.length, 2); // two layers, epoch2 → epoch1
    const reuse: ReusedFit[] = first.fits.map(({ key: _k, layer, source, target, ...result }) => ({
      source: first.checkpoints[source].sha256!,
      target: first.checkpoints[target].sha256!,
      layer,
      result,
    }));
    // Training writes the next checkpoint.
    await copyFile(path.join(RUN, 'epoch3.onnx'), path.join(dir, 'epoch3.onnx'));
    const progress: Progress[] = [];
    const updates: DriftReport[] = [];
    const second = await runDrift(
      { ...options, reuse },
      { onProgress: (p) => progress.push(p), onUpdate: (r) => updates.push(r) },
    );
    assert.deepEqual(
      second.checkpoints.map((c) => c.name),
      ['epoch1', 'epoch2', 'epoch3'],
    );
    // The earlier cells are the earlier numbers, not refitted ones.
    second.layers.forEach((layer, l) => {
      assert.equal(second.series[l][0], null);
      assert.equal(second.series[l][1], first.series[l][1], `${layer}: epoch2 → epoch1 reused`);
      assert.ok(second.series[l][2]! > 0, `${layer}: epoch3 → epoch2 fitted`);
    });
    const extracted = new Set(progress.filter((p) => p.phase === 'extract').map((p) => p.model));
    assert.deepEqual([...extracted].sort(), ['epoch2', 'epoch3']);
    const fitted = new Set(progress.filter((p) => p.pair).map((p) => `${p.pair!.layerA} → ${p.pair!.layerB}`));
    assert.equal(fitted.size, 2);
    assert.ok(
      [...fitted].every((f) => /^epoch3 .* → epoch2 /.test(f)),
      [...fitted].join('; '),
    );
    // The first update already holds the reused cells.
    assert.equal(updates[0].fits.length, 2);
    assert.equal(updates.at(-1)!.fits.length, 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('kc family takes the PyTorch flags of kc compare: --python, --allow-pickle, --input-shape', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-family-torch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const json = path.join(dir, 'family.json');
  const models = ['cnn.pt', 'cnn-traced.pt', 'cnn-pickled.pth'].map((f) => path.join(TORCH, f));
  const refused = await kc('family', ...models, '--python', '/usr/bin/python3', '--count', '60', '--epochs', '2');
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /--allow-pickle/);
  const run = await kc(
    'family',
    ...models,
    '--python',
    '/usr/bin/python3',
    '--allow-pickle',
    '--input-shape',
    '1,28,28',
    '--count',
    '60',
    '--epochs',
    '2',
    '--layers',
    '5',
    '--json',
    json,
    '--quiet',
  );
  assert.equal(run.code, 0, run.stderr);
  // The input shape reached the helper: it no longer guesses one.
  assert.doesNotMatch(run.stderr, /no input shape given/);
  const report = JSON.parse(await readFile(json, 'utf8')) as FamilyReport;
  assert.deepEqual(
    report.models.map((m) => [m.name, m.format]),
    [
      ['cnn', 'torchscript'],
      ['cnn-traced', 'torchscript'],
      ['cnn-pickled', 'torch-pickle'],
    ],
  );
  // The traced copy is the same network: it explains the scripted one almost fully.
  assert.ok(report.matrix[0][1][0]! > 0.9, `cnn-traced explains cnn: ${report.matrix[0][1][0]}`);
});
