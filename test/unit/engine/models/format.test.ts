import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectFormat } from '../../../../src/engine/models/index';
import { modelFormatOf } from '../../../../src/engine/models/format';

test('one rule for which files are models: ONNX by name, TF.js by a modelTopology in the head', () => {
  assert.equal(modelFormatOf('x/net.ONNX', undefined), 'onnx');
  assert.equal(modelFormatOf('m.json', '{"modelTopology": {"node": []}, "format": "graph-model"}'), 'tfjs-graph');
  assert.equal(
    modelFormatOf(
      'm.json',
      '{"format": "layers-model", "modelTopology": {"class_name": "Sequential"}, "weightsManifest": []}',
    ),
    'tfjs-layers',
  );
  // A manifest without a topology is not a model the engine can open, so discovery does not list it either.
  assert.equal(modelFormatOf('m.json', '{"weightsManifest": []}'), undefined);
  assert.equal(modelFormatOf('package.json', '{"name": "x"}'), undefined);
  // A head cut inside a big topology still counts.
  assert.equal(
    modelFormatOf('m.json', '{"format": "graph-model", "modelTopology": {"node": [{"name": "a'),
    'tfjs-graph',
  );
});

test('a FIFO or a folder named model.json is not read (discovery never blocks on it)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-format-'));
  try {
    execFileSync('mkfifo', [path.join(dir, 'model.json')]);
    const started = Date.now();
    assert.equal(await detectFormat(path.join(dir, 'model.json')), undefined);
    assert.ok(Date.now() - started < 2000);
    await writeFile(path.join(dir, 'real.json'), '{"modelTopology": {"node": []}, "format": "graph-model"}');
    assert.equal(await detectFormat(path.join(dir, 'real.json')), 'tfjs-graph');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
