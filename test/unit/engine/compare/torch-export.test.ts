import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kc } from '../../kc';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
// Written by test/fixtures/models/make_torch_export.py: one nn.Sequential CNN, a checkpoint per epoch, exported with
// torch.onnx.export's default value names ("/0/Conv_output_0", …) and the graph output "logits".
const MODELS = path.join(ROOT, 'test', 'fixtures', 'workspace', 'models', 'torch-export');

test('kc layers lists a torch.onnx.export model with its /N/Op_output_0 names', async () => {
  const run = await kc('layers', path.join(MODELS, 'epoch1.onnx'));
  assert.equal(run.code, 0, run.stderr);
  // The table shows short names (the module and the op); --wide the full ones.
  assert.match(run.stdout, /^0\/Conv_output_0\s/m);
  assert.match(run.stdout, /^logits\s/m);
  const wide = await kc('layers', path.join(MODELS, 'epoch1.onnx'), '--wide');
  assert.match(wide.stdout, /^\/0\/Conv_output_0\s/m);
});

test('kc compare on two torch.onnx.export checkpoints finishes and writes the table, JSON, HTML and Markdown reports', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-torch-export-'));
  try {
    const [json, html, md] = ['r.json', 'r.html', 'r.md'].map((f) => path.join(dir, f));
    const [epoch1, epoch2] = ['epoch1.onnx', 'epoch2.onnx'].map((f) => path.join(MODELS, f));
    const run = await kc('compare', epoch1, epoch2, '--count', '200', '--json', json, '--html', html, '--md', md);
    assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}`);
    // Names sharing no prefix with "logits" are shown whole.
    assert.match(run.stdout, /\/2\/MaxPool_output_0 ↔ \/2\/MaxPool_output_0\s+epoch1 → epoch2\s+0\.\d{3}/);
    assert.match(run.stdout, /^logits\s/m);
    const report = JSON.parse(await readFile(json, 'utf8')) as { pairs: Array<{ explained: number }> };
    assert.ok(report.pairs.length >= 2 && report.pairs.every((p) => Number.isFinite(p.explained)));
    assert.match(await readFile(html, 'utf8'), /\/5\/MaxPool_output_0/);
    // Markdown escapes the underscores (model text never forms emphasis or links there).
    assert.match(await readFile(md, 'utf8'), /\/5\/MaxPool\\_output\\_0/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
