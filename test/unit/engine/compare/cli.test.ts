import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plantedReport } from './report-fixture';
import { kc, ONE_QUICK_FIT } from '../../kc';
import { tempFolders } from '../../temp-folders';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const tempDir = tempFolders('cli');

test('kc report turns a saved result into the HTML and Markdown reports', async () => {
  const dir = await tempDir();
  const json = path.join(dir, 'result.json');
  await writeFile(json, JSON.stringify(plantedReport()));
  const html = path.join(dir, 'out', 'r.html');
  const md = path.join(dir, 'out', 'r.md');
  const run = await kc('report', json, '--html', html, '--md', md);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /wrote .*r\.html/);
  assert.match(run.stdout, /wrote .*r\.heatmap\.png/);
  assert.match(await readFile(html, 'utf8'), /data-row="relu2" data-col="relu2" data-value="0.88"/);
  assert.match(await readFile(md, 'utf8'), /\| relu1 ↔ relu1 \| net-\\<a\\> → net-b \| 0\.937 \|/);
});

test('kc report and kc compare answer bad input with one line and exit code 1', async () => {
  const dir = await tempDir();
  const notReport = path.join(dir, 'other.json');
  await writeFile(notReport, '{"hello": 1}');
  const bad = await kc('report', notReport, '--html', path.join(dir, 'x.html'));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^kc: .*other\.json is not a knowledge-consistency report.*\n$/);
  const missing = await kc('compare', SEED1, SEED1, '--probe', path.join(dir, 'no-such-folder'), '--count', '10');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /kc: probe .*no-such-folder does not exist/);
  assert.doesNotMatch(missing.stderr, /^\s+at /m, 'no stack trace');
});

test('kc layers --json lists the layers with the probe points', async () => {
  const run = await kc('layers', SEED1, '--json');
  assert.equal(run.code, 0, run.stderr);
  const { model, layers } = JSON.parse(run.stdout) as {
    model: { name: string };
    layers: Array<{ name: string; probePoint: boolean }>;
  };
  assert.equal(model.name, 'mnist-cnn-seed1');
  assert.ok(layers.length > 3);
  assert.ok(layers.some((l) => l.probePoint));
});

test('kc compare --backend tfjs trains on TF.js and the report names it', async () => {
  const dir = await tempDir();
  const out = path.join(dir, 'r.json');
  const r = await kc('compare', SEED1, SEED1, '--count', '64', ...ONE_QUICK_FIT, '--backend', 'tfjs', '--json', out);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(await readFile(out, 'utf8'));
  assert.match(report.backend.name, /tfjs/);
  assert.equal(report.pairs.length, 1);
});
