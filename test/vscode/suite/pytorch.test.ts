// PyTorch models in a real VS Code: .pt/.pth files are discovered by content (a state_dict is not listed), a
// comparison runs through the worker and kc's Python helper with the knowledgeConsistency.pythonPath interpreter
// (Debian's python3-torch), and a pickled checkpoint loads only after the modal that says unpickling runs code.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';
const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/models/pytorch');

interface AnalysisRecord {
  id: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
  report?: {
    models: { a: { format: string } };
    pairs: Array<{ layerA: string; direction: string; explained: number }>;
  };
}

interface Api {
  models(): Promise<vscode.Uri[]>;
  onDidChangeModels: vscode.Event<void>;
}

const at = (rel: string): vscode.Uri => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'torch', rel);
const compare = (a: vscode.Uri, b: vscode.Uri): Thenable<AnalysisRecord | undefined> =>
  vscode.commands.executeCommand<AnalysisRecord | undefined>('knowledgeConsistency.compare', a, [a, b]);

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('knowledgeConsistency');
  for (const [key, value] of Object.entries(values))
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Answers the next modal warnings with `answer`, recording what they said. */
function answerWarnings(answer: string | undefined): {
  asked: Array<{ message: string; detail?: string }>;
  restore(): void;
} {
  const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
  const original = window.showWarningMessage;
  const asked: Array<{ message: string; detail?: string }> = [];
  window.showWarningMessage = (message: unknown, options: unknown) => {
    asked.push({ message: String(message), detail: (options as vscode.MessageOptions | undefined)?.detail });
    return Promise.resolve(answer);
  };
  return { asked, restore: () => (window.showWarningMessage = original) };
}

describe('PyTorch models in VS Code', function () {
  this.timeout(180_000);

  before(async () => {
    for (const [from, to] of [
      ['cnn.pt', 'cnn.pt'],
      ['cnn-traced.pt', 'cnn-traced.pt'],
      ['cnn-pickled.pth', 'allowed.pth'],
      ['cnn-pickled.pth', 'declined.pth'],
      ['weights.pth', 'weights.pth'],
    ])
      await vscode.workspace.fs.copy(vscode.Uri.file(path.join(FIXTURES, from)), at(to), { overwrite: true });
    await configure({ pythonPath: '/usr/bin/python3', 'probe.count': 60, preset: 'fast', epochs: 3 });
  });

  after(async () => {
    await configure({ pythonPath: undefined, 'probe.count': undefined, preset: undefined, epochs: undefined });
    await vscode.workspace.fs.delete(at(''), { recursive: true });
  });

  it('lists TorchScript files and pickled modules, not a state_dict', async () => {
    const kc = await vscode.extensions.getExtension<Api>(EXTENSION_ID)!.activate();
    const listed = async () => (await kc.models()).map((u) => vscode.workspace.asRelativePath(u, false));
    const done = async () => (await listed()).filter((p) => p.startsWith('torch/')).length === 4;
    for (let i = 0; i < 100 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual((await listed()).filter((p) => p.startsWith('torch/')).sort(), [
      'torch/allowed.pth',
      'torch/cnn-traced.pt',
      'torch/cnn.pt',
      'torch/declined.pth',
    ]);
  });

  it('compares two TorchScript files through the Python of knowledgeConsistency.pythonPath', async () => {
    const record = await compare(at('cnn.pt'), at('cnn-traced.pt'));
    assert.equal(record?.status, 'done', record?.error);
    assert.equal(record.report?.models.a.format, 'torchscript');
    for (const pair of record.report!.pairs)
      assert.ok(pair.explained >= 0.98, `${pair.layerA} ${pair.direction}: ${pair.explained}`);
  });

  it('loads a pickled checkpoint only after the modal that says unpickling runs its code', async () => {
    const no = answerWarnings(undefined);
    try {
      assert.equal(await compare(at('declined.pth'), at('cnn.pt')), undefined);
    } finally {
      no.restore();
    }
    assert.equal(no.asked.length, 1);
    assert.match(no.asked[0].message, /declined\.pth is a pickled PyTorch checkpoint/);
    assert.match(no.asked[0].detail ?? '', /unpickling runs any code the file contains/);

    const yes = answerWarnings('Load and Run Its Code');
    let record: AnalysisRecord | undefined;
    try {
      record = await compare(at('allowed.pth'), at('cnn.pt'));
    } finally {
      yes.restore();
    }
    assert.equal(yes.asked.length, 1);
    assert.equal(record?.status, 'done', record?.error);
    assert.equal(record.report?.models.a.format, 'torch-pickle');
  });
});
