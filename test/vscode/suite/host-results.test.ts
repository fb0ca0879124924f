// The results cache on its own, in the extension host: what a reload restores, what it skips, what is stale.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AnalysisRecord } from '../../../src/extension/contracts';
import { hashModelFiles } from '../../../src/extension/results/hash';
import { DiskResultsStore } from '../../../src/extension/results/store';
import { plantedReport } from '../../unit/engine/compare/report-fixture';

const model = (rel: string): string => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, rel).fsPath;

function record(id: string, modelA: string, modelB: string, status: AnalysisRecord['status'] = 'done'): AnalysisRecord {
  return { id, modelA, modelB, probe: 'mnist × 64', preset: 'fast', startedAt: new Date().toISOString(), status };
}

describe('extension host: results cache', () => {
  const log = vscode.window.createOutputChannel('kc results test', { log: true });
  after(() => log.dispose());

  it('restores finished analyses, skips unreadable files and unfinished records, and flags changed models as stale', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-results-'));
    const a = model('models/mnist-cnn-seed1/model.onnx');
    const b = model('models/mnist-cnn-seed1/tfjs/model.json');
    const hashes = { a: await hashModelFiles(a), b: await hashModelFiles(b) };
    const write = (id: string, value: unknown) =>
      writeFileSync(path.join(dir, `${id}.json`), typeof value === 'string' ? value : JSON.stringify(value));
    write('current', { formatVersion: 1, hashes, record: record('current', a, b) });
    write('changed', { formatVersion: 1, hashes: { ...hashes, b: '0'.repeat(64) }, record: record('changed', a, b) });
    write('running', { formatVersion: 1, hashes, record: record('running', a, b, 'running') });
    write('future', { formatVersion: 2, hashes, record: record('future', a, b) });
    write('torn', '{"formatVersion": 1, "hashes": {');
    // A corrupt or crafted report loses only its own file; the others restore.
    const wrongType = { ...record('wrongType', a, b), report: { ...plantedReport(), pairs: [{ explained: '0.9' }] } };
    write('wrongType', { formatVersion: 1, hashes, record: wrongType });
    write('huge', {
      formatVersion: 1,
      hashes,
      record: {
        ...record('huge', a, b),
        report: { ...plantedReport(), settings: { ...plantedReport().settings, orders: 1e9 } },
      },
    });
    write('reported', { formatVersion: 1, hashes, record: { ...record('reported', a, b), report: plantedReport() } });

    const store = new DiskResultsStore(dir, log);
    await store.restore();
    assert.deepEqual(
      store
        .all()
        .map((r) => r.id)
        .sort(),
      ['changed', 'current', 'reported'],
    );
    assert.equal(store.get('current')?.stale ?? false, false);
    assert.equal(store.get('changed')?.stale, true, 'a model whose content changed did not mark its analysis stale');
    assert.equal(store.latestFor(b, a)?.status, 'done');
    store.dispose();
  });

  it('writes a finished analysis atomically and keeps failed ones out of the cache', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-results-'));
    const a = model('models/mnist-cnn-seed1/model.onnx');
    const hashes = { a: await hashModelFiles(a), b: await hashModelFiles(a) };
    const store = new DiskResultsStore(dir, log);
    const changes: string[] = [];
    store.onDidChange((r) => changes.push(r.status));

    store.begin({ ...record('ok', a, a, 'running'), report: undefined }, hashes);
    await store.finish('ok', plantedReport());
    store.begin(record('bad', a, a, 'running'), hashes);
    store.end('bad', 'failed', 'the engine worker was killed');

    assert.deepEqual(
      readdirSync(dir),
      ['ok.json'],
      'only the finished analysis is on disk, with no temporary file left',
    );
    assert.deepEqual(changes, ['running', 'done', 'running', 'failed']);
    const reloaded = new DiskResultsStore(dir, log);
    await reloaded.restore();
    assert.deepEqual(
      reloaded.all().map((r) => [r.id, r.status]),
      [['ok', 'done']],
    );
    store.dispose();
    reloaded.dispose();
  });

  it('keeps a finished result shown when its cache cannot be written, and says why', async () => {
    // Root ignores folder permissions, so the unwritable cache is a path through a file (ENOTDIR).
    const parent = mkdtempSync(path.join(tmpdir(), 'kc-results-'));
    writeFileSync(path.join(parent, 'file'), 'not a folder');
    const a = model('models/mnist-cnn-seed1/model.onnx');
    const hashes = { a: await hashModelFiles(a), b: await hashModelFiles(a) };
    const store = new DiskResultsStore(path.join(parent, 'file', 'cache'), log);
    store.begin(record('unwritable', a, a, 'running'), hashes);
    const finished = await store.finish('unwritable', plantedReport());
    assert.equal(finished?.record.status, 'done');
    assert.equal(store.get('unwritable')?.report?.pairs.length, plantedReport().pairs.length);
    assert.match(finished?.notCached ?? '', /ENOTDIR/);
    store.dispose();
  });

  it('two windows finishing the same analysis into one cache leave one whole file that restores', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-results-'));
    const a = model('models/mnist-cnn-seed1/model.onnx');
    const hashes = { a: await hashModelFiles(a), b: await hashModelFiles(a) };
    const windows = [new DiskResultsStore(dir, log), new DiskResultsStore(dir, log)];
    for (const store of windows) store.begin(record('same', a, a, 'running'), hashes);
    const finished = await Promise.all(windows.map((store) => store.finish('same', plantedReport())));
    assert.deepEqual(
      finished.map((f) => [f?.record.status, f?.notCached]),
      [
        ['done', undefined],
        ['done', undefined],
      ],
    );
    assert.deepEqual(readdirSync(dir), ['same.json'], 'one file, no temporary file left');
    const reopened = new DiskResultsStore(dir, log);
    await reopened.restore();
    assert.equal(reopened.get('same')?.report?.pairs.length, plantedReport().pairs.length);
    for (const store of [...windows, reopened]) store.dispose();
  });
});
