// Storage that fails under kc compare: a full disk, a cache folder that cannot be made, two runs sharing one cache
// folder. Each ends with one line a user can act on (or two good reports), the previous report untouched and no
// features left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../../src/protocol/report';
import { kc, ROOT } from '../kc';
import { tempFolders } from '../temp-folders';

const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');
const SMALL = ['--count', '64', '--layers-a', 'conv2', '--layers-b', 'conv2', '--epochs', '3', '--quiet'];
/** kc compare of the two samples, small, with its features cached in `cache`. */
const compareWith = (cache: string, ...more: string[]) => [
  'compare',
  SEED1,
  SEED2,
  ...SMALL,
  '--cache-dir',
  cache,
  ...more,
];
const PREVIOUS = '{"previous": true}\n';

const folder = tempFolders('storage');

/** kc run by `<prefix> "$0" "$@"` in sh: under a limit (ulimit -f counts 512-byte blocks in sh) or a mount. */
function kcLimited(prefix: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const argv = [process.execPath, '--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args];
  return new Promise((resolve) =>
    execFile('/bin/sh', ['-c', `${prefix} "$0" "$@"`, ...argv], { cwd: ROOT, timeout: 240_000 }, (e, _o, stderr) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stderr }),
    ),
  );
}

test('a file-size limit (ulimit -f) while features are written: one line naming the folder, the previous report kept, nothing left', async () => {
  const dir = await folder();
  const json = path.join(dir, 'r.json');
  await writeFile(json, PREVIOUS);
  const cache = path.join(dir, 'cache');
  const run = await kcLimited('ulimit -f 100 && exec', compareWith(cache, '--json', json));
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /^kc: cannot write the features of \S+ in .*: the file-size limit was reached \(EFBIG\)/);
  assert.equal(await readFile(json, 'utf8'), PREVIOUS);
  assert.deepEqual(await readdir(cache), [], 'the half-written features were not removed');
});

/** Whether this machine lets a test mount a small file system of its own (a private mount namespace, as root). */
function canMount(): boolean {
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { timeout: 10_000 });
  return probe.status === 0;
}
const MOUNT_SKIP = canMount() ? false : 'needs unshare -m and mount (root in a private mount namespace)';

test(
  'a full disk (a 256 KB file system) under the cache folder: one line, the previous report kept',
  { skip: MOUNT_SKIP },
  async () => {
    const dir = await folder();
    const json = path.join(dir, 'r.json');
    await writeFile(json, PREVIOUS);
    const cache = path.join(dir, 'small');
    await mkdir(cache);
    const run = await kcLimited(
      `exec unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs ${cache} && exec "$0" "$@"'`,
      compareWith(cache, '--json', json),
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr.trim(),
      /^kc: cannot write the features of \S+ in .*: the disk is full \(ENOSPC\); free some space or choose another folder$/,
    );
    assert.equal(await readFile(json, 'utf8'), PREVIOUS);
  },
);

test('a read-only cache folder: one line before any extraction', { skip: MOUNT_SKIP }, async () => {
  const dir = await folder();
  const cache = path.join(dir, 'read-only');
  await mkdir(cache);
  const run = await kcLimited(
    `exec unshare -m sh -c 'mount -t tmpfs -o ro tmpfs ${cache} && exec "$0" "$@"'`,
    compareWith(cache),
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr.trim(),
    /^kc: cannot write the extracted features in .*read-only: the file system is read-only \(EROFS\)/,
  );
});

test('a cache folder that cannot be made: one line before any extraction', async () => {
  const dir = await folder();
  const file = path.join(dir, 'not-a-folder');
  await writeFile(file, 'x');
  const run = await kc(...compareWith(path.join(file, 'cache')));
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr.trim(),
    /^kc: cannot write the extracted features in .*not-a-folder\/cache: .*\(ENOTDIR\)[^\n]*$/,
  );
});

test('two runs of the same compare sharing one cache folder both finish with the same numbers', async () => {
  const dir = await folder();
  const cache = path.join(dir, 'cache');
  const out = (i: number) => path.join(dir, `r${i}.json`);
  const runs = await Promise.all([1, 2].map((i) => kc(...compareWith(cache, '--json', out(i)))));
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const [r1, r2] = await Promise.all([1, 2].map(async (i) => JSON.parse(await readFile(out(i), 'utf8')) as Report));
  assert.ok(r1.pairs.length > 0);
  assert.deepEqual(
    r1.pairs.map((p) => p.explained),
    r2.pairs.map((p) => p.explained),
  );
  assert.deepEqual(await readdir(cache), [], 'a run left its features behind');
});
