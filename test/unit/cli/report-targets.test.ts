/** Report files that cannot be written are refused before a job runs, with one line that names the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KcError } from '../../../src/engine/errors';
import { writeNpy } from '../../../src/engine/features/npy';
import { checkReportTargets } from '../../../src/engine/report/targets';
import { writeReports } from '../../../src/engine/report/write';
import type { Report } from '../../../src/protocol/report';
import { tempFolders } from '../temp-folders';

const root = path.resolve(__dirname, '../../..');
const folder = tempFolders('targets');
const isKcError = (pattern: RegExp) => (e: unknown) => e instanceof KcError && pattern.test(e.message);

test('checkReportTargets: a folder, a path under a file and a missing parent folder', async () => {
  const dir = await folder();
  const file = path.join(dir, 'plain.txt');
  await writeFile(file, 'x');
  await assert.rejects(checkReportTargets({ json: dir }), isKcError(/it is a folder/));
  await assert.rejects(
    checkReportTargets({ html: path.join(file, 'r.html') }),
    isKcError(/plain\.txt is a file, not a folder/),
  );
  await checkReportTargets({ json: path.join(dir, 'new', 'deeper', 'r.json'), md: file });
});

test('writeReports: a write that fails is a KcError naming the file', async () => {
  const dir = await folder();
  const file = path.join(dir, 'plain.txt');
  await writeFile(file, 'x');
  const report = { schemaVersion: 1, pairs: [], warnings: [] } as unknown as Report;
  await assert.rejects(
    writeReports(report, { json: path.join(file, 'r.json') }),
    isKcError(/cannot write .*plain\.txt.*r\.json/),
  );
  assert.deepEqual(await writeReports(report, { json: path.join(dir, 'out', 'r.json') }), [
    path.join(dir, 'out', 'r.json'),
  ]);
  assert.equal(JSON.parse(await readFile(path.join(dir, 'out', 'r.json'), 'utf8')).schemaVersion, 1);
});

test('kc disentangle --json under a file: one line, exit 1, nothing run', async () => {
  const dir = await folder();
  const a = path.join(dir, 'a.npy');
  await writeNpy(
    a,
    [40, 3],
    Float32Array.from({ length: 120 }, (_, i) => Math.sin(i)),
  );
  const out = path.join(a, 'report.json');
  const r = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'disentangle', a, a, '--json', out],
    { cwd: root },
  ).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `kc: cannot write the report to ${out}: ${a} is a file, not a folder`);
});
