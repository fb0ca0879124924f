import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FamilyReport } from '../../../../src/protocol/family';
import { kc, ROOT } from '../../kc';

const sample = (name: string) => path.join(ROOT, 'samples', name, 'model.onnx');

test('kc family prints the reliability table and writes the JSON and HTML reports (seed1, seed2, wide)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-family-'));
  try {
    const [json, html] = ['family.json', 'family.html'].map((f) => path.join(dir, f));
    const models = ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'mnist-cnn-wide'];
    const flags = ['--layers', 'pool2', '--count', '160', '--epochs', '4', '--quiet'];
    const run = await kc('family', ...models.map(sample), ...flags, '--json', json, '--html', html);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as FamilyReport;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.kind, 'family');
    assert.deepEqual(
      report.models.map((m) => m.name),
      models,
    );
    assert.ok(report.models.every((m) => m.layers === undefined && /^[0-9a-f]{64}$/.test(m.sha256 ?? '')));
    assert.deepEqual(report.layers, ['pool2']);
    const m = report.matrix[0];
    assert.equal(m.length, 3);
    m.forEach((row, i) => row.forEach((v, j) => assert.ok(i === j ? v === null : v! > 0.5 && v! < 1)));
    assert.equal(report.fits.length, 6);
    assert.equal(report.reliability[0].n, 6);
    // The table row: layer, reliability, its interval, n, the worst pair and its value.
    const r = report.reliability[0];
    const worst = `${models[r.worst!.source]} → ${models[r.worst!.target]}`;
    assert.match(
      run.stdout,
      new RegExp(
        `^pool2 +${r.mean!.toFixed(3)} +${r.low!.toFixed(3)} … ${r.high!.toFixed(3)} +6 +${worst} +${r.worst!.explained.toFixed(3)}$`,
        'm',
      ),
    );
    const page = await readFile(html, 'utf8');
    assert.equal((page.match(/<svg class="heatmap" data-kind="consistency"/g) ?? []).length, 1);
    assert.match(page, /<svg class="line-chart"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('kc family refuses one model, and a report path that is one of the models, in one line', async () => {
  const one = await kc('family', sample('mnist-cnn-seed1'), '--count', '20');
  assert.equal(one.code, 1);
  assert.match(one.stderr, /^kc: a family needs at least two models, got 1\n$/);
  const onto = await kc(
    'family',
    sample('mnist-cnn-seed1'),
    sample('mnist-cnn-seed2'),
    '--json',
    sample('mnist-cnn-seed2'),
  );
  assert.equal(onto.code, 1);
  assert.match(onto.stderr, /^kc: cannot write the JSON report to .*: it is model 2; choose another path\n$/);
});

test('kc family --budget plans before the heavy work, cuts probes then layers, and says so in the output and the JSON', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-family-budget-'));
  try {
    const json = path.join(dir, 'family.json');
    const models = ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'mnist-cnn-pruned'].map(sample);
    // 1 s is below any run of six fits: the smallest (the floor's probes, one layer) runs anyway, and says so.
    const run = await kc('family', ...models, '--count', '400', '--epochs', '2', '--budget', '1s', '--json', json);
    assert.equal(run.code, 0, run.stderr);
    const summary =
      /^budget 1 s: 160 of 400 probes, 1 of 3 layers, ≈ .+ — over the budget even at its smallest, so it runs anyway$/m;
    assert.match(run.stderr, summary);
    assert.match(
      run.stderr,
      /^plan: 6 fits \(3 models × 1 layer\) on 160 probes, ≈ .+ \((.+; )?measured: extraction /m,
    );
    // The plan comes before the first model's features are extracted.
    assert.ok(run.stderr.indexOf('plan: ') < run.stderr.indexOf('extracting features'), run.stderr);
    assert.match(run.stdout, summary);
    const report = JSON.parse(await readFile(json, 'utf8')) as FamilyReport;
    assert.equal(report.probe.count, 160);
    assert.equal(report.layers.length, 1);
    assert.equal(report.fits.length, 6);
    const budget = report.plan!.budget!;
    assert.deepEqual(budget.asked.probes, 400);
    assert.deepEqual(budget.chosen, { ...budget.chosen, probes: 160, pairs: 1 });
    assert.equal(budget.fits, false);
    const left = budget.dropped.map((d) => d.layerA);
    assert.deepEqual([...left, ...report.layers].sort(), ['pool1', 'pool2', 'relu3']);
    assert.match(run.stdout, new RegExp(`^  left out: ${left.join(', ')}$`, 'm'));
    assert.equal(report.plan!.estimate.probes, 160);
    assert.equal(report.plan!.estimate.fits.length, 6);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
