// Compare as a Family and Track Knowledge Drift in a real VS Code: both commands end to end through the engine
// worker, the report streamed as it grows, a watched folder that gets a new checkpoint, and cached fits reused.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DriftReport, FamilyReport } from '../../../src/protocol/family';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';

interface Update {
  report?: FamilyReport | DriftReport;
  status: string;
  message?: string;
}
interface Outcome<R> {
  status: string;
  report?: R;
  error?: string;
}
interface Api {
  onDidUpdateManyModel: vscode.Event<Update>;
}

const root = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const at = (rel: string): vscode.Uri => vscode.Uri.joinPath(root(), rel);

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('knowledgeConsistency');
  for (const [key, value] of Object.entries(values))
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Collects every panel update while `run` runs. */
async function recording<T>(run: () => Thenable<T>): Promise<{ result: T; updates: Update[] }> {
  const updates: Update[] = [];
  const sub = (await api()).onDidUpdateManyModel((u) => updates.push(u));
  try {
    return { result: await run(), updates };
  } finally {
    sub.dispose();
  }
}

describe('extension host: families and drift', () => {
  before(() => configure({ 'probe.count': 100, epochs: 3, preset: 'fast' }));
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await configure({ 'probe.count': undefined, epochs: undefined, preset: undefined });
  });

  it('Compare as a Family: three models from the Explorer, the matrices streamed into the panel, a rerun reuses every fit', async () => {
    const seed1 = at('models/mnist-cnn-seed1/model.onnx');
    const members = [seed1, at('models/mnist-cnn-seed2/model.onnx'), at('models/mnist-cnn-seed1/tfjs/model.json')];
    const family = (uris: vscode.Uri[]) =>
      vscode.commands.executeCommand<Outcome<FamilyReport> | undefined>(
        'knowledgeConsistency.compareFamily',
        uris[0],
        uris,
      );
    // Two files are a pair, not a family.
    assert.equal(await family(members.slice(0, 2)), undefined);

    const { result, updates } = await recording(() => family(members));
    assert.equal(result?.status, 'done', result?.error);
    const report = result.report!;
    assert.deepEqual(
      report.models.map((m) => m.name),
      ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'mnist-cnn-seed1/tfjs'],
    );
    assert.ok(report.layers.length >= 2, `layers ${report.layers.join(', ')}`);
    report.layers.forEach((layer, l) => {
      const m = report.matrix[l];
      assert.ok(
        [0, 1, 2].every((i) => m[i][i] === null),
        `${layer}: diagonal`,
      );
      // seed1 and its TF.js export are one network: it explains its copy better than seed2.
      assert.ok(m[0][2]! > 0.95 && m[0][2]! > m[0][1]!, `${layer}: copy ${m[0][2]}, seed2 ${m[0][1]}`);
    });
    const running = updates.filter((u) => u.status === 'running' && u.report);
    const counts = running.map((u) => u.report!.fits.length);
    assert.ok(counts.includes(1) && counts.includes(report.fits.length - 1), `streamed fit counts ${counts.join(',')}`);
    assert.equal(updates.at(-1)?.status, 'done');

    // Same members, same settings: the engine is handed every finished fit and fits none again.
    const again = await recording(() => family(members));
    assert.equal(again.result?.status, 'done');
    const first = again.updates.find((u) => u.report)!.report!;
    assert.equal(first.fits.length, report.fits.length, 'the first update already holds every cell');
    assert.deepEqual(again.result!.report!.matrix, report.matrix);

    // Three files given to Compare Knowledge Consistency are that family too, not the first two of them.
    const viaCompare = await vscode.commands.executeCommand<Outcome<FamilyReport> | undefined>(
      'knowledgeConsistency.compare',
      members[0],
      members,
    );
    assert.equal(viaCompare?.status, 'done', viaCompare?.error);
    assert.deepEqual(viaCompare.report!.matrix, report.matrix);
  });

  it('closing a family panel cancels its run and keeps the fits that finished', async () => {
    // No budget: 300 epochs are estimated above any, and the question would wait for an answer.
    await configure({ epochs: 300, budget: '' });
    try {
      const members = [
        at('models/mnist-cnn-seed2/model.onnx'),
        at('models/mnist-cnn-seed1/model.onnx'),
        at('models/mnist-cnn-seed2/tfjs/model.json'),
      ];
      const kc = await api();
      const updates: Update[] = [];
      const firstFit = new Promise<void>((resolve) => {
        const sub = kc.onDidUpdateManyModel((u) => {
          updates.push(u);
          if (u.report && u.report.fits.length > 0) {
            sub.dispose();
            resolve();
          }
        });
      });
      const running = vscode.commands.executeCommand<Outcome<FamilyReport> | undefined>(
        'knowledgeConsistency.compareFamily',
        members[0],
        members,
      );
      await firstFit;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const outcome = await running;
      assert.equal(outcome?.status, 'cancelled', outcome?.error);
      const kept = outcome.report!;
      assert.ok(kept.fits.length >= 1 && kept.fits.length < kept.planned!, `${kept.fits.length} of ${kept.planned}`);
    } finally {
      await configure({ epochs: 3, budget: undefined });
    }
  });

  it('Track Knowledge Drift: started before the second checkpoint, each new checkpoint is appended while earlier cells are reused', async () => {
    const folder = at('drift-run');
    const run = at('models/torch-export');
    const kc = await api();
    const write = (name: string) =>
      vscode.workspace.fs.copy(vscode.Uri.joinPath(run, name), vscode.Uri.joinPath(folder, name));
    /** The watched pass that ends with `count` checkpoints, and every update on the way. */
    const watched = (count: number) => {
      const updates: Update[] = [];
      const report = new Promise<DriftReport>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no watched pass with ${count} checkpoints in 90 s`)), 90_000);
        const sub = kc.onDidUpdateManyModel((u) => {
          updates.push(u);
          const r = u.report as DriftReport | undefined;
          if (u.status === 'watching' && r?.checkpoints.length === count) {
            clearTimeout(timer);
            sub.dispose();
            resolve(r);
          }
        });
      });
      return { updates, report };
    };
    await vscode.workspace.fs.createDirectory(folder);
    try {
      await write('epoch1.onnx');
      const outcome = await vscode.commands.executeCommand<Outcome<DriftReport> | undefined>(
        'knowledgeConsistency.trackDrift',
        folder,
        [folder],
        'previous',
      );
      // One checkpoint is no drift yet: the panel says so and keeps watching.
      assert.equal(outcome?.status, 'failed');
      assert.match(outcome.error!, /holds 1 checkpoint/);

      const second = watched(2);
      await write('epoch2.onnx');
      const first = await second.report;
      assert.deepEqual(
        first.checkpoints.map((c) => c.name),
        ['epoch1', 'epoch2'],
      );
      first.series.forEach((s) => assert.ok(s[0] === null && s[1]! > 0, `series ${s.join(', ')}`));

      const third = watched(3);
      await write('epoch3.onnx');
      const grown = await third.report;
      assert.deepEqual(
        grown.checkpoints.map((c) => c.name),
        ['epoch1', 'epoch2', 'epoch3'],
      );
      grown.series.forEach((s, l) => {
        assert.equal(s[1], first.series[l][1], `${grown.layers[l]}: epoch2's cell is the cached one`);
        assert.ok(s[2]! > 0, `${grown.layers[l]}: epoch3 explains epoch2`);
      });
      // The pass started with the cached cells; only epoch3's were fitted.
      const start = third.updates.find((u) => (u.report as DriftReport | undefined)?.checkpoints.length === 3)!;
      assert.equal(start.report!.fits.length, first.fits.length);
      assert.equal(grown.fits.length, first.fits.length * 2);
      assert.equal(third.updates.at(-1)?.message, 'watching drift-run for new checkpoints');
    } finally {
      // Closing the panel stops the watching.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });
});
