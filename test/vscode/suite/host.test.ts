// The extension host in a real VS Code: model discovery and its watchers, the compare command end to end through
// the engine worker (cached result on disk), cancellation, and a worker killed mid-run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';

interface AnalysisRecord {
  id: string;
  modelA: string;
  modelB: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
  stale?: boolean;
  startedAt: string;
  report?: {
    pairs: Array<{ layerA: string; layerB: string; direction: string; explained: number }>;
    matrix?: unknown;
    probe: { count: number };
  };
}

interface Api {
  models(): Promise<vscode.Uri[]>;
  onDidChangeModels: vscode.Event<void>;
  discoveryCapped(): number | undefined;
  workerPid(): number | undefined;
  analyses(): AnalysisRecord[];
  onDidChangeAnalysis: vscode.Event<AnalysisRecord>;
  onDidProgress: vscode.Event<{ id: string; message: string; fraction?: number }>;
  cancel(id: string): boolean;
  resultsDir: string;
}

const root = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const at = (rel: string): vscode.Uri => vscode.Uri.joinPath(root(), rel);
const relative = (uris: vscode.Uri[]): string[] => uris.map((u) => vscode.workspace.asRelativePath(u, false)).sort();

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Resolves when `check` holds, re-checking on each event (and once now); fails with `what` after `ms`. */
async function until<T>(
  event: vscode.Event<T>,
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  if (await check()) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const sub = event(async () => {
      if (await check()) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}

/**
 * A compare of seed1 and seed2 slow enough to catch running (200 epochs; each caller its own probe count, so no cached
 * result answers it), and its analysis's id once `ready` holds for it (re-checked on each event).
 */
async function slowCompare<T>(
  probes: number,
  event: vscode.Event<T>,
  ready: (record: AnalysisRecord) => boolean,
  what: string,
  ms: number,
): Promise<{ running: Thenable<AnalysisRecord | undefined>; id: string }> {
  const kc = await api();
  await configure({ 'probe.count': probes, epochs: 200 });
  const running = compare(seed1(), seed2());
  let id: string | undefined;
  await until(
    event,
    () => {
      const record = kc.analyses().find((r) => r.status === 'running');
      id = record?.id;
      return record !== undefined && ready(record);
    },
    what,
    ms,
  );
  return { running, id: id! };
}

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('knowledgeConsistency');
  for (const [key, value] of Object.entries(values))
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
}

const seed1 = (): vscode.Uri => at('models/mnist-cnn-seed1/model.onnx');
const seed2 = (): vscode.Uri => at('models/mnist-cnn-seed2/model.onnx');
const compare = (a: vscode.Uri, b: vscode.Uri): Thenable<AnalysisRecord | undefined> =>
  vscode.commands.executeCommand<AnalysisRecord | undefined>('knowledgeConsistency.compare', a, [a, b]);

describe('extension host: discovery', () => {
  it('lists the sample ONNX and TF.js models of the workspace', async () => {
    const models = relative(await (await api()).models());
    for (const expected of [
      'models/mnist-cnn-seed1/model.onnx',
      'models/mnist-cnn-seed1/tfjs/model.json',
      'models/mnist-cnn-seed2/model.onnx',
      'models/mnist-cnn-seed2/tfjs/model.json',
    ]) {
      assert.ok(models.includes(expected), `${expected} not discovered (found: ${models.join(', ')})`);
    }
  });

  it('follows files on disk: added, renamed and deleted models, and ignores a model.json that is not TF.js', async () => {
    const kc = await api();
    await kc.models();
    const listed = async (rel: string) => relative(await kc.models()).includes(rel);

    await vscode.workspace.fs.writeFile(
      at('watched/config/model.json'),
      Buffer.from('{"name": "not a model", "layers": 3}'),
    );
    await vscode.workspace.fs.copy(seed1(), at('watched/copy.onnx'));
    await until(kc.onDidChangeModels, () => listed('watched/copy.onnx'), 'the copied ONNX file to be listed');
    await vscode.workspace.fs.copy(at('models/mnist-cnn-seed1/tfjs'), at('watched/tfjs'));
    await until(
      kc.onDidChangeModels,
      () => listed('watched/tfjs/model.json'),
      'the copied TF.js model.json to be listed',
    );
    assert.equal(
      await listed('watched/config/model.json'),
      false,
      'a model.json without modelTopology/weightsManifest was listed',
    );

    await vscode.workspace.fs.rename(at('watched/copy.onnx'), at('watched/renamed.onnx'));
    await until(
      kc.onDidChangeModels,
      async () => (await listed('watched/renamed.onnx')) && !(await listed('watched/copy.onnx')),
      'the rename to be reflected',
    );

    await vscode.workspace.fs.delete(at('watched'), { recursive: true });
    await until(
      kc.onDidChangeModels,
      async () => !relative(await kc.models()).some((p) => p.startsWith('watched/')),
      "the deleted folder's models to go",
    );
  });

  it('respects files.exclude', async () => {
    const kc = await api();
    await vscode.workspace
      .getConfiguration('files')
      .update('exclude', { '**/mnist-cnn-seed2': true }, vscode.ConfigurationTarget.Workspace);
    try {
      const models = relative(
        (await vscode.commands.executeCommand<vscode.Uri[]>('knowledgeConsistency.refreshModels'))!,
      );
      assert.ok(models.includes('models/mnist-cnn-seed1/model.onnx'), `seed1 missing: ${models.join(', ')}`);
      assert.ok(
        !models.some((m) => m.includes('mnist-cnn-seed2')),
        `excluded seed2 still listed: ${models.join(', ')}`,
      );
    } finally {
      await vscode.workspace
        .getConfiguration('files')
        .update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('knowledgeConsistency.refreshModels');
    }
    assert.ok(relative(await kc.models()).includes('models/mnist-cnn-seed2/model.onnx'));
  });
});

describe('extension host: discovery cap', () => {
  it('stops a scan at discovery.maxFiles and says so', async () => {
    const kc = await api();
    await configure({ 'discovery.maxFiles': 1 });
    try {
      const models = (await vscode.commands.executeCommand<vscode.Uri[]>('knowledgeConsistency.refreshModels'))!;
      assert.equal(kc.discoveryCapped(), 1);
      assert.ok(models.length <= 2, `${models.length} models listed with a cap of 1 per pattern`);
    } finally {
      await configure({ 'discovery.maxFiles': undefined });
      await vscode.commands.executeCommand('knowledgeConsistency.refreshModels');
    }
    assert.equal(kc.discoveryCapped(), undefined);
    assert.ok((await kc.models()).length >= 4);
  });
});

describe('extension host: compare', function () {
  this.timeout(300_000);

  before(async () => {
    await configure({ 'probe.source': 'mnist', 'probe.count': 64, preset: 'fast', epochs: 3, orders: 1 });
  });
  // Suites share the workspace: leave its settings as they were.
  after(async () => {
    await configure({
      'probe.source': undefined,
      'probe.count': undefined,
      preset: undefined,
      epochs: undefined,
      orders: undefined,
    });
  });

  it('compares two model files given as (uri, uris[]) and caches the result on disk', async () => {
    const kc = await api();
    const record = await compare(seed1(), seed2());
    assert.ok(record, 'the compare command returned nothing');
    assert.equal(record.status, 'done', `status ${record.status}: ${record.error ?? ''}`);
    assert.equal(record.modelA, seed1().fsPath);
    assert.ok(record.report && record.report.pairs.length > 0, 'no layer pairs in the report');
    assert.equal(record.report.probe.count, 64);
    for (const pair of record.report.pairs)
      assert.ok(Number.isFinite(pair.explained), `${pair.layerA}→${pair.layerB}: explained ${pair.explained}`);
    assert.ok(record.report.matrix, 'no similarity matrix');

    const file = path.join(kc.resultsDir, `${record.id}.json`);
    assert.ok(existsSync(file), `no cached result at ${file}`);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { record: AnalysisRecord };
    assert.equal(stored.record.status, 'done');
    assert.equal(stored.record.report?.pairs.length, record.report.pairs.length);

    // Same files, same settings: the cached analysis comes back without running again.
    const again = await compare(seed1(), seed2());
    assert.equal(again?.id, record.id);
    assert.equal(again?.startedAt, record.startedAt);
  });

  it('refuses a pair with a file that is not a model, before anything runs', async () => {
    const kc = await api();
    const before = kc.analyses().length;
    const readme = at('README.md');
    assert.equal(await compare(seed1(), readme), undefined);
    assert.equal(kc.analyses().length, before, 'an analysis was started for a non-model file');
  });

  it('reopens an analysis and opens the report of one layer from the Models tree', async () => {
    const kc = await api();
    const record = kc.analyses().find((r) => r.status === 'done')!;
    const reopened = await vscode.commands.executeCommand<AnalysisRecord>(
      'knowledgeConsistency.openAnalysis',
      record.id,
    );
    assert.equal(reopened?.id, record.id);
    const layer = record.report!.pairs[0].layerA;
    const node = { kind: 'layer', model: { uri: seed1() }, layer: { name: layer } };
    const focused = await vscode.commands.executeCommand<AnalysisRecord>('knowledgeConsistency.openLayerReport', node);
    assert.equal(focused?.id, record.id, `no analysis opened for layer ${layer}`);
  });

  it('cancels a running compare: nothing is cached; a second request for the pair joins the running one', async () => {
    const kc = await api();
    const { running, id } = await slowCompare(
      72,
      kc.onDidProgress,
      (record) => (record.report?.pairs.length ?? 0) === 0 && kc.workerPid() !== undefined,
      'the compare to start',
      60_000,
    );
    const second = compare(seed2(), seed1());
    assert.equal(
      kc.analyses().filter((r) => r.status === 'running').length,
      1,
      'a second job started for the same pair',
    );
    assert.equal(kc.cancel(id), true, 'no running job to cancel');
    const record = await running;
    assert.equal((await second)?.id, id);
    assert.equal(record?.status, 'cancelled');
    assert.equal(record?.report, undefined, 'a cancelled analysis kept its partial report');
    assert.equal(existsSync(path.join(kc.resultsDir, `${id}.json`)), false, 'a cancelled analysis was cached');
  });

  it('cancel keeps what finished: the finished pairs and the matrix are shown and cached as a partial result', async () => {
    const kc = await api();
    const { running, id } = await slowCompare(
      76,
      kc.onDidChangeAnalysis,
      (record) => (record.report?.pairs.length ?? 0) >= 1,
      'the first pair to finish',
      120_000,
    );
    assert.equal(kc.cancel(id), true);
    const record = await running;
    assert.equal(record?.status, 'cancelled');
    assert.ok((record?.report?.pairs.length ?? 0) >= 1, 'the finished pair was thrown away');
    assert.ok(record?.report?.matrix, 'the similarity matrix was thrown away');
    const stored = JSON.parse(readFileSync(path.join(kc.resultsDir, `${id}.json`), 'utf8')) as {
      record: AnalysisRecord;
    };
    assert.equal(stored.record.status, 'cancelled');
    assert.equal(stored.record.report?.pairs.length, record?.report?.pairs.length);
    // A partial result is not a finished one: the same compare runs again, and its result replaces the partial one.
    const again = await compare(seed1(), seed2());
    assert.equal(again?.id, id);
    assert.notEqual(again?.startedAt, record?.startedAt);
    assert.equal(again?.status, 'done');
  });

  it('reports a worker killed mid-run clearly, keeps nothing, and a retry works', async () => {
    const kc = await api();
    await configure({ 'probe.count': 80, epochs: 200 });
    const running = compare(seed1(), seed2());
    await until(
      kc.onDidProgress,
      (() => {
        let seen = 0;
        return () => ++seen >= 3 && kc.workerPid() !== undefined;
      })(),
      'progress from the worker',
      60_000,
    );
    const pid = kc.workerPid()!;
    // The worker runs with the heap limit of knowledgeConsistency.workerMemoryLimitMb (default 4096).
    assert.match(
      execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }),
      /--max-old-space-size=4096 .*worker\.js/,
    );
    process.kill(pid, 'SIGKILL');
    const failed = await running;
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.error ?? '', /engine worker was killed \(SIGKILL\)/);
    assert.equal(existsSync(path.join(kc.resultsDir, `${failed!.id}.json`)), false, 'a crashed analysis was cached');

    await configure({ epochs: 2 });
    const retry = await compare(seed1(), seed2());
    assert.equal(retry?.status, 'done', `retry: ${retry?.status} ${retry?.error ?? ''}`);
    assert.notEqual(kc.workerPid(), pid, 'the retry ran in the killed process');
  });

  it('marks results stale when a model file changes', async () => {
    const kc = await api();
    const record = await compare(seed1(), seed2()); // cached when an earlier test ran it
    assert.equal(record?.status, 'done');
    const bytes = await vscode.workspace.fs.readFile(seed2());
    const flags = (stale: boolean) => () =>
      kc
        .analyses()
        .filter((r) => r.modelB === seed2().fsPath && r.status === 'done')
        .every((r) => (r.stale ?? false) === stale);
    try {
      await vscode.workspace.fs.writeFile(seed2(), Buffer.concat([Buffer.from(bytes), Buffer.from([0])]));
      await until(kc.onDidChangeAnalysis, flags(true), 'stale flags');
    } finally {
      await vscode.workspace.fs.writeFile(seed2(), bytes); // suites share the workspace: leave the sample as it was
    }
    // Back to the analysed content: current again.
    await until(kc.onDidChangeAnalysis, flags(false), 'the stale flags to clear');
  });

  it('compares two torch.onnx.export models (values "/0/Conv_output_0" … beside "logits") and exports their reports', async () => {
    // Names of this shape once looped forever in the report's name shortening, after every pair had been fitted.
    const epoch1 = at('models/torch-export/epoch1.onnx');
    const epoch2 = at('models/torch-export/epoch2.onnx');
    const record = await compare(epoch1, epoch2);
    assert.equal(record?.status, 'done', `status ${record?.status}: ${record?.error ?? ''}`);
    assert.ok(
      record.report!.pairs.some((p) => p.layerA === '/2/MaxPool_output_0'),
      `pairs: ${record.report!.pairs.map((p) => p.layerA).join(', ')}`,
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'kc-torch-export-'));
    const exportAs = async (format: string, file: string) =>
      (await vscode.commands.executeCommand<string[] | undefined>('knowledgeConsistency.exportReport', record.id, {
        format,
        file: path.join(folder, file),
        open: false,
      }))!.at(-1)!;
    // Markdown escapes the underscores (model text never forms emphasis there).
    assert.match(readFileSync(await exportAs('markdown', 'r.md'), 'utf8'), /\/2\/MaxPool\\_output\\_0/);
    assert.match(readFileSync(await exportAs('html', 'r.html'), 'utf8'), /logits/);
  });

  it('removes analyses: from the view and from the disk cache', async () => {
    const kc = await api();
    for (const record of kc.analyses()) {
      await vscode.commands.executeCommand('knowledgeConsistency.removeAnalysis', record.id);
      assert.equal(existsSync(path.join(kc.resultsDir, `${record.id}.json`)), false, `${record.id} still cached`);
    }
    assert.deepEqual(kc.analyses(), []);
  });
});
