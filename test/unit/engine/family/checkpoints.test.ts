import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lastNumber, listCheckpoints } from '../../../../src/engine/family/checkpoints';
import { tempFolders } from '../../temp-folders';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const EPOCH1 = path.join(ROOT, 'test', 'fixtures', 'workspace', 'models', 'torch-export', 'epoch1.onnx');
const TFJS = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'tfjs', 'model.json');

const tempDir = tempFolders('checkpoints');

/** A fresh folder holding just these `copies`. */
async function checkpointFolder(files: ReadonlyArray<readonly [string, number]>): Promise<string> {
  const dir = await tempDir();
  await copies(dir, files);
  return dir;
}

/** Copies of epoch1 in `dir` under these names, each modified `seconds` after the epoch. */
async function copies(dir: string, files: ReadonlyArray<readonly [string, number]>): Promise<void> {
  for (const [name, seconds] of files) {
    await copyFile(EPOCH1, path.join(dir, name));
    await utimes(path.join(dir, name), seconds, seconds);
  }
}

test('checkpoints are ordered by the number in their names, not as text and not by modification time', async () => {
  const dir = await checkpointFolder([
    ['epoch10.onnx', 100],
    ['epoch2.onnx', 300],
    ['epoch1.onnx', 200],
  ]);
  // A sub-folder checkpoint (TF.js model.json named by its folder) and files that are not models.
  await mkdir(path.join(dir, 'ckpt-5'));
  await writeFile(path.join(dir, 'ckpt-5', 'model.json'), '{"modelTopology": {}, "weightsManifest": []}');
  await writeFile(path.join(dir, 'metrics.json'), '{"loss": [1, 0.5]}');
  await writeFile(path.join(dir, 'notes.txt'), 'epoch 99');
  const { checkpoints, orderedBy } = await listCheckpoints(dir);
  assert.equal(orderedBy, 'number');
  assert.deepEqual(
    checkpoints.map((c) => [c.name, c.step]),
    [
      ['epoch1', 1],
      ['epoch2', 2],
      ['ckpt-5', 5],
      ['epoch10', 10],
    ],
  );
});

test('a name without a number (or two names with one number) orders the run by modification time', async () => {
  const dir = await checkpointFolder([
    ['final.onnx', 300],
    ['epoch1.onnx', 100],
    ['epoch2.onnx', 200],
  ]);
  const byTime = await listCheckpoints(dir);
  assert.equal(byTime.orderedBy, 'modified');
  assert.deepEqual(
    byTime.checkpoints.map((c) => c.name),
    ['epoch1', 'epoch2', 'final'],
  );
  await rm(path.join(dir, 'final.onnx'));
  await copies(dir, [['run2-epoch1.onnx', 50]]);
  const shared = await listCheckpoints(dir);
  assert.equal(shared.orderedBy, 'modified');
  assert.deepEqual(
    shared.checkpoints.map((c) => c.name),
    ['run2-epoch1', 'epoch1', 'epoch2'],
  );
});

test('fewer than two checkpoints, or a sub-folder with two models, is a one-line error', async () => {
  const dir = await tempDir();
  await copyFile(EPOCH1, path.join(dir, 'epoch1.onnx'));
  await assert.rejects(listCheckpoints(dir), /holds 1 checkpoint: drift needs at least two model files/);
  await mkdir(path.join(dir, 'ckpt-2'));
  await copyFile(EPOCH1, path.join(dir, 'ckpt-2', 'model.onnx'));
  await copyFile(TFJS, path.join(dir, 'ckpt-2', 'model.json'));
  await assert.rejects(listCheckpoints(dir), /ckpt-2 holds 2 model files \(model\.json, model\.onnx\): keep one/);
  await assert.rejects(listCheckpoints(path.join(dir, 'missing')), /cannot read the checkpoint folder .*ENOENT/);
});

test('lastNumber takes the last run of digits', () => {
  assert.equal(lastNumber('resnet18-epoch3'), 3);
  assert.equal(lastNumber('step_000400'), 400);
  assert.equal(lastNumber('final'), undefined);
});
