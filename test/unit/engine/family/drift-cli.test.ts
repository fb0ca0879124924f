import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DriftReport } from '../../../../src/protocol/family';
import { kc, ROOT } from '../../kc';

// One nn.Sequential CNN, a checkpoint per epoch (test/fixtures/models/make_torch_export.py).
const RUN = path.join(ROOT, 'test', 'fixtures', 'workspace', 'models', 'torch-export');

test('kc drift orders real checkpoints by the number in their names and ends at ≈ 1 against the final one', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-drift-'));
  try {
    // epoch3 saved as epoch10: as text it would sort before epoch2; the modification times run backwards.
    const files: Array<[string, string, number]> = [
      ['epoch1.onnx', 'epoch1.onnx', 300],
      ['epoch2.onnx', 'epoch2.onnx', 200],
      ['epoch3.onnx', 'epoch10.onnx', 100],
    ];
    for (const [from, to, mtime] of files) {
      await copyFile(path.join(RUN, from), path.join(dir, to));
      await utimes(path.join(dir, to), mtime, mtime);
    }
    const json = path.join(dir, 'drift.json');
    const html = path.join(dir, 'drift.html');
    const run = await kc('drift', dir, '--count', '240', '--epochs', '8', '--json', json, '--html', html, '--quiet');
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as DriftReport;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.kind, 'drift');
    assert.equal(report.against, 'final');
    assert.equal(report.orderedBy, 'number');
    assert.deepEqual(
      report.checkpoints.map((c) => [c.name, c.step]),
      [
        ['epoch1', 1],
        ['epoch2', 2],
        ['epoch10', 10],
      ],
    );
    assert.deepEqual(report.layers, ['/2/MaxPool_output_0', '/5/MaxPool_output_0']);
    report.layers.forEach((layer, l) => {
      const s = report.series[l];
      assert.equal(s.length, 3);
      // The final checkpoint against itself: the measured ceiling.
      assert.ok(s[2]! > 0.98, `${layer}: final vs final ${s[2]}`);
      // One epoch of training from the end knows more of the final knowledge than two.
      assert.ok(s[0]! < s[1]! && s[1]! < s[2]!, `${layer}: ${s.join(', ')}`);
    });
    // The table lists the checkpoints in training order, each with its numbers.
    const rows = run.stdout.split('\n').filter((line) => /^epoch\d+\s+\d\.\d{3}\s+\d\.\d{3}$/.test(line));
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[0]),
      ['epoch1', 'epoch2', 'epoch10'],
    );
    assert.match(run.stdout, /5\/MaxPool_output_0 {2}[▁-█]{3}/);
    const page = await readFile(html, 'utf8');
    assert.match(page, /<svg class="line-chart"/);
    assert.equal((page.match(/<g class="series"/g) ?? []).length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('kc drift --against previous: each checkpoint explains the one before, the first has none', async () => {
  const json = path.join(await mkdtemp(path.join(tmpdir(), 'kc-drift-')), 'previous.json');
  try {
    const flags = ['--against', 'previous', '--layers', '/5/MaxPool_output_0', '--count', '160', '--epochs', '4'];
    const run = await kc('drift', RUN, ...flags, '--json', json, '--quiet');
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as DriftReport;
    assert.deepEqual(report.layers, ['/5/MaxPool_output_0']);
    assert.equal(report.series[0][0], null);
    assert.ok(report.series[0].slice(1).every((v) => v !== null && v > 0.5 && v < 1));
    assert.deepEqual(
      report.fits.map((f) => [f.source, f.target]),
      [
        [1, 0],
        [2, 1],
      ],
    );
  } finally {
    await rm(path.dirname(json), { recursive: true, force: true });
  }
});
