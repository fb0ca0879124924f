// Reports are replaced whole or not at all: a writer killed mid-write, a write that fails midway and two writers
// racing for one file never leave half a report where the previous one was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync, watch } from 'node:fs';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeReports } from '../../../src/engine/report/write';
import type { Report } from '../../../src/protocol/report';
import { tempFolders } from '../temp-folders';

const ROOT = path.resolve(__dirname, '../../..');
const WRITER = path.join(__dirname, 'fixtures', 'write-report.ts');
const PREVIOUS = `${JSON.stringify({ schemaVersion: 1, label: 'previous' })}\n`;
const TEMP = /^\.r\.json\.\d+\.[0-9a-f]+\.tmp$/;

const folder = tempFolders('atomic');
async function folderWithReport(): Promise<{ dir: string; target: string }> {
  const dir = await folder();
  const target = path.join(dir, 'r.json');
  await writeFile(target, PREVIOUS);
  return { dir, target };
}

/** The writer fixture as a child process, optionally under a shell prefix (ulimit). */
function writer(args: string[], shell?: string): ChildProcessWithoutNullStreams {
  const argv = [process.execPath, '--import', 'tsx', WRITER, ...args];
  return shell
    ? spawn('/bin/sh', ['-c', `${shell} && exec "$0" "$@"`, ...argv], { cwd: ROOT })
    : spawn(argv[0], argv.slice(1), { cwd: ROOT });
}

function exited(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

const ready = (child: ChildProcessWithoutNullStreams) =>
  new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));

test('a writer killed (SIGKILL) in the middle of a big report leaves the previous report whole', async () => {
  const { dir, target } = await folderWithReport();
  const child = writer([target, '96', 'new', 'wait']);
  const done = exited(child);
  await ready(child);
  // Kill at the first sign of writing: the report itself changed, or a file beside it holds a mebibyte already.
  let touched = '';
  const killed = new Promise<void>((resolve) => {
    const watcher = watch(dir, (_event, name) => {
      if (touched || !name) return;
      if (name !== 'r.json' && (statSync(path.join(dir, name), { throwIfNoEntry: false })?.size ?? 0) < 2 ** 20) return;
      touched = name;
      child.kill('SIGKILL');
      watcher.close();
      resolve();
    });
  });
  child.stdin.write('go\n');
  await killed;
  assert.equal((await done).signal, 'SIGKILL');
  assert.match(touched, TEMP, 'the bytes go to a temporary file beside the report, not to the report');
  const now = await readFile(target, 'utf8');
  // The kill lands long before 96 MiB are written; were the machine slow enough to finish first, the report is whole.
  assert.ok(now === PREVIOUS || JSON.parse(now).label === 'new', `the report is ${now.length} bytes of neither`);
});

test(
  'a write that fails midway (file size limit: EFBIG) keeps the previous report and leaves no temporary file',
  { skip: process.platform === 'win32' && 'needs ulimit' },
  async () => {
    const { dir, target } = await folderWithReport();
    // 4096 blocks: 2 or 4 MiB depending on the shell's block size; the report is 16 MiB.
    const run = await exited(writer([target, '16', 'new'], 'ulimit -f 4096'));
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^cannot write .*r\.json \(EFBIG\): choose another path\n$/);
    assert.equal(await readFile(target, 'utf8'), PREVIOUS);
    assert.deepEqual(await readdir(dir), ['r.json']);
  },
);

test('two writers racing for one --json leave one whole report and no temporary file', async () => {
  const { dir, target } = await folderWithReport();
  // Same size, so that both write at once; each pads with its own letter, so that a mix shows even as valid JSON.
  const writers = [writer([target, '32', 'one', 'wait']), writer([target, '32', 'two', 'wait'])];
  const runs = writers.map(exited);
  await Promise.all(writers.map(ready));
  for (const w of writers) w.stdin.write('go\n');
  for (const run of await Promise.all(runs)) assert.equal(run.code, 0, run.stderr);
  const text = await readFile(target, 'utf8');
  assert.doesNotThrow(() => JSON.parse(text), 'the report is valid JSON');
  const report = JSON.parse(text) as { label: string; padding: string };
  assert.ok(['one', 'two'].includes(report.label), report.label);
  assert.ok(report.padding === report.label[0].repeat(32 * 2 ** 20), "the report is one writer's, not a mix");
  assert.deepEqual(await readdir(dir), ['r.json']);
});

test('writers racing in one process (their chunks interleave) leave one whole report and no temporary file', async () => {
  const { dir, target } = await folderWithReport();
  const report = (label: string) =>
    ({ schemaVersion: 1, label, padding: label[0].repeat(8 * 2 ** 20) }) as unknown as Report;
  await Promise.all(['one', 'two', 'six'].map((label) => writeReports(report(label), { json: target })));
  const written = JSON.parse(await readFile(target, 'utf8')) as { label: string; padding: string };
  assert.ok(written.padding === written.label[0].repeat(8 * 2 ** 20), "the report is one writer's, not a mix");
  assert.deepEqual(await readdir(dir), ['r.json']);
});

test('a replaced report keeps its permissions', { skip: process.platform === 'win32' && 'POSIX modes' }, async () => {
  const { dir, target } = await folderWithReport();
  await chmod(target, 0o640);
  await writeReports({ schemaVersion: 1, label: 'new' } as unknown as Report, { json: target });
  assert.equal(JSON.parse(await readFile(target, 'utf8')).label, 'new');
  assert.deepEqual(await readdir(dir), ['r.json']);
  assert.equal((await stat(target)).mode & 0o777, 0o640);
});
