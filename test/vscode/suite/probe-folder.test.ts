// A compare of models that MNIST digits do not fit (a published 64×64 TF.js model) asks once for a folder of probe
// images (quick pick, open dialog: stubbed here as a user's answers) and remembers it for the next compare.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';
/** out/vscode/run-<pid>/suite → the repository. */
const HUMAN = path.resolve(__dirname, '../../../../node_modules/@vladmandic/human/models');

interface AnalysisRecord {
  id: string;
  status: string;
  error?: string;
  report?: { probe?: { source: string; count: number } };
}

interface Api {
  onDidChangeAnalysis: vscode.Event<AnalysisRecord>;
  cancel(id: string): boolean;
}

const root = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const at = (rel: string): vscode.Uri => vscode.Uri.joinPath(root(), rel);

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('knowledgeConsistency');
  for (const [key, value] of Object.entries(values))
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Gray 64×64 noise PNGs: images the engine can read, at the model's size. */
function writeImages(dir: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const png = new PNG({ width: 64, height: 64 });
    for (let p = 0; p < png.data.length; p += 4) {
      const v = (p * 7919 + i * 104729) % 251;
      png.data.set([v, v, v, 255], p);
    }
    writeFileSync(path.join(dir, `img-${i}.png`), PNG.sync.write(png));
  }
}

describe('extension host: probe images for models MNIST does not fit', () => {
  const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
  const original = { pick: window.showQuickPick, open: window.showOpenDialog };
  after(async () => {
    window.showQuickPick = original.pick;
    window.showOpenDialog = original.open;
    await configure({ 'probe.count': undefined, epochs: undefined, defaultLayers: undefined, budget: undefined });
  });

  it('asks once for an image folder, then uses the remembered one', async function () {
    this.timeout(200_000);
    const kc = await vscode.extensions.getExtension<Api>(EXTENSION_ID)!.activate();
    const dir = at('probe-folder/emotion').fsPath;
    const images = at('probe-folder/images').fsPath;
    mkdirSync(images, { recursive: true });
    cpSync(path.join(HUMAN, 'emotion.json'), path.join(dir, 'model.json'));
    cpSync(path.join(HUMAN, 'emotion.bin'), path.join(dir, 'emotion.bin'));
    writeImages(images, 40);
    // budget '' : no cost question before the run (the only quick pick is the probe's)
    await configure({ 'probe.count': 40, epochs: 1, defaultLayers: 'probe-points', budget: '' });

    const asked: string[] = [];
    window.showQuickPick = (async (
      items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>,
      options?: vscode.QuickPickOptions,
    ) => {
      asked.push(options?.placeHolder ?? '');
      return (await items)[0]; // "Choose a folder of images…"
    }) as unknown as typeof window.showQuickPick;
    window.showOpenDialog = async () => [vscode.Uri.file(images)];

    const model = vscode.Uri.file(path.join(dir, 'model.json'));
    // Each compare is cancelled once it has started: its header names the probe it runs with.
    const probeOfRun = async (): Promise<string | undefined> => {
      const running = vscode.commands.executeCommand<AnalysisRecord | undefined>(
        'knowledgeConsistency.compare',
        model,
        [model, model],
      );
      const started = await new Promise<AnalysisRecord>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the compare did not start')), 120_000);
        const sub = kc.onDidChangeAnalysis((r) => {
          if (r.status === 'running' && r.report?.probe?.source) {
            clearTimeout(timer);
            sub.dispose();
            resolve(r);
          }
        });
      });
      kc.cancel(started.id);
      await running;
      return started.report?.probe?.source;
    };
    assert.equal(await probeOfRun(), images);
    assert.equal(asked.length, 1);
    assert.match(asked[0], /model\.json takes 64×64×1 images: MNIST digits \(28×28 gray\) do not fit it/);
    assert.equal(await probeOfRun(), images, 'the remembered folder');
    assert.equal(asked.length, 1, 'not asked again');
  });
});
