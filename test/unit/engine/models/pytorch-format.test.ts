/** Which PyTorch files are models, told from their bytes (no Python runs): the rule discovery and the engine share. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { modelFormatOf, readModelFormat } from '../../../../src/engine/models/format';
import { ROOT } from './helpers';

const DIR = path.join(ROOT, 'test/fixtures/models/pytorch');
const work = mkdtempSync(path.join(tmpdir(), 'kc-torch-format-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('PyTorch file formats', () => {
  it('TorchScript (scripted, traced), pickled modules (zip and pre-1.6) are models; a state_dict is not', async () => {
    const formats = await Promise.all(
      [
        'cnn.pt',
        'cnn-traced.pt',
        'residual.pt',
        'cnn-pickled.pth',
        'residual.pth',
        'cnn-legacy.pth',
        'weights.pth',
      ].map((f) => readModelFormat(path.join(DIR, f))),
    );
    assert.deepEqual(formats, [
      'torchscript',
      'torchscript',
      'torchscript',
      'torch-pickle',
      'torch-pickle',
      'torch-pickle',
      undefined,
    ]);
  });

  it('by content, not by extension: a TorchScript archive named .pth, a checkpoint named .pt2', async () => {
    copyFileSync(path.join(DIR, 'cnn.pt'), path.join(work, 'script.pth'));
    copyFileSync(path.join(DIR, 'cnn-pickled.pth'), path.join(work, 'pickled.pt2'));
    assert.equal(await readModelFormat(path.join(work, 'script.pth')), 'torchscript');
    assert.equal(await readModelFormat(path.join(work, 'pickled.pt2')), 'torch-pickle');
  });

  it('an archive whose directory is in the zip64 end record (files over 4 GB) is read from there', async () => {
    const bytes = readFileSync(path.join(DIR, 'cnn.pt'));
    const end = bytes.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
    // The 32-bit fields say "see zip64", as a writer must when they overflow; torch writes the zip64 record anyway.
    bytes.writeUInt16LE(0xffff, end + 8);
    bytes.writeUInt16LE(0xffff, end + 10);
    bytes.writeUInt32LE(0xffffffff, end + 12);
    bytes.writeUInt32LE(0xffffffff, end + 16);
    writeFileSync(path.join(work, 'zip64.pt'), bytes);
    assert.equal(await readModelFormat(path.join(work, 'zip64.pt')), 'torchscript');
  });

  it('not PyTorch: text, random bytes, another zip, an empty file, a missing file', async () => {
    writeFileSync(path.join(work, 'notes.pt'), 'presentation notes\n');
    writeFileSync(path.join(work, 'random.pth'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    writeFileSync(path.join(work, 'empty.pt'), '');
    const zip = 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("docs/readme.txt", "hello")';
    execFileSync('/usr/bin/python3', ['-c', zip, path.join(work, 'other.pt')]);
    for (const f of ['notes.pt', 'random.pth', 'empty.pt', 'other.pt', 'missing.pt'])
      assert.equal(await readModelFormat(path.join(work, f)), undefined, f);
  });

  it('a FIFO named model.pt is skipped without blocking', async () => {
    const fifo = path.join(work, 'model.pt');
    execFileSync('mkfifo', [fifo]);
    assert.equal(await readModelFormat(fifo), undefined);
  });

  it('the name decides only which files are read: a PyTorch kind counts only for .pt, .pth and .pt2', () => {
    assert.equal(modelFormatOf('model.PT2', undefined, 'torch-export'), 'torch-export');
    assert.equal(modelFormatOf('weights.pth', undefined, 'weights'), undefined);
    assert.equal(modelFormatOf('model.bin', undefined, 'torchscript'), undefined);
  });
});
