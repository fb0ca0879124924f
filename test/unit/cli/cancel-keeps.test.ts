import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');

test('Ctrl-C during kc compare keeps what finished: the table and the report of the finished pairs, exit 130', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-cancel-'));
  try {
    const json = path.join(dir, 'r.json');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'src', 'cli', 'main.ts'),
        'compare',
        SEED1,
        SEED2,
        '--count',
        '200',
        '--preset',
        'thorough',
        '--epochs',
        '400',
        '--json',
        json,
      ],
      { cwd: ROOT, env: { ...process.env, KC_FITS: '1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    // One fit at a time (KC_FITS=1), so the lines say which have finished. Without a TTY the CLI prints a line per
    // pair: interrupt once the second starts, the first has finished.
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/pair 2\/\d+ /.test(stderr)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
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
