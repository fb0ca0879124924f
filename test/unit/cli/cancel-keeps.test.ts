import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kcInterrupted, ROOT } from '../kc';

const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');

test('Ctrl-C during kc compare keeps what finished: the table and the report of the finished pairs, exit 130', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-cancel-'));
  try {
    const json = path.join(dir, 'r.json');
    // One fit at a time (KC_FITS=1), so the lines say which have finished. Without a TTY the CLI prints a line per
    // pair: interrupt once the second starts, the first has finished.
    const { code, stdout, stderr } = await kcInterrupted(
      ['compare', SEED1, SEED2, '--count', '200', '--preset', 'thorough', '--epochs', '400', '--json', json],
      /pair 2\/\d+ /,
      { KC_FITS: '1' },
    );
    assert.equal(code, 130, stderr);
    assert.match(stdout, /pool1 ↔ pool1\s+mnist-cnn-seed1 → mnist-cnn-seed2\s+0\.\d{3}/);
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      pairs: unknown[];
      matrix?: unknown;
      warnings: string[];
    };
    assert.equal(report.pairs.length, 1);
    assert.ok(report.matrix, 'the similarity matrix was dropped');
    assert.match(report.warnings.join('\n'), /cancelled: a partial result, 1 of 6 layer pair fits finished/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
