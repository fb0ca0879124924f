// Reading a saved report is bounded before JSON.parse: a huge file is not read at all, a FIFO never blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_REPORT_BYTES, parseReport, readReportText } from '../../../../src/engine/report/read';
import { plantedReport } from '../compare/report-fixture';
import { tempFolders } from '../../temp-folders';

const folder = tempFolders('read-file');

test('a report file larger than any kc writes is refused from its size, without reading it', async () => {
  const file = path.join(await folder(), 'huge.json');
  await writeFile(file, '');
  await truncate(file, MAX_REPORT_BYTES + 1); // sparse: nothing to read, a read would still allocate 64 MB
  const before = process.memoryUsage().arrayBuffers;
  await assert.rejects(readReportText(file), /huge\.json is 64 MB, more than any report kc writes \(64 MB\): not read/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 2 ** 20, 'the file was read into memory');
});

test('a FIFO named like a report is refused at once instead of blocking', async () => {
  const fifo = path.join(await folder(), 'r.json');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(readReportText(fifo), /r\.json is not a regular file/);
});

test('a report within the cap reads back whole', async () => {
  const file = path.join(await folder(), 'r.json');
  await writeFile(file, JSON.stringify(plantedReport()));
  assert.deepEqual(parseReport(await readReportText(file), file), plantedReport());
});
