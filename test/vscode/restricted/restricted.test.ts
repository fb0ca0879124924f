// Restricted Mode in a real VS Code: the runner's extra pass opens the fixture workspace with workspace trust ON and
// nothing trusted (test/vscode/run.mjs --restricted). The extension lists the models but runs nothing that loads a
// model file: no compare, no layer listing, no engine worker, and it says why.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';

interface Api {
  models(): Promise<vscode.Uri[]>;
  workerPid(): number | undefined;
  analyses(): unknown[];
  onDidRefuseInRestrictedMode: vscode.Event<string>;
}

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  return ext.activate();
}

/** Runs `action` and returns its result with the Restricted Mode messages the extension showed meanwhile. */
async function withRefusals(
  kc: Api,
  action: () => Thenable<unknown>,
): Promise<{ result: unknown; messages: string[] }> {
  const messages: string[] = [];
  const subscription = kc.onDidRefuseInRestrictedMode((m) => messages.push(m));
  try {
    return { result: await action(), messages };
  } finally {
    subscription.dispose();
  }
}

/** Nothing of the engine runs: no worker known to the extension, no worker.js child of this extension host. */
function assertNoWorker(kc: Api): void {
  assert.equal(kc.workerPid(), undefined, 'the engine worker was started');
  const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  assert.ok(!/dist\/worker\.js/.test(children), `a worker process runs:\n${children}`);
}

function modelUri(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

describe('restricted mode', () => {
  it('opens the fixture workspace untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still lists the fixture models in the Models view', async () => {
    const listed = (await (await api()).models()).map((uri) => vscode.workspace.asRelativePath(uri, false));
    for (const expected of [
      'models/mnist-cnn-seed1/model.onnx',
      'models/mnist-cnn-seed2/model.onnx',
      'models/mnist-cnn-seed1/tfjs/model.json',
      'models/mnist-cnn-seed2/tfjs/model.json',
    ]) {
      assert.ok(listed.includes(expected), `${expected} not listed; listed: ${listed.join(', ')}`);
    }
  });

  it('refuses to compare two model files, starts no worker and says why', async () => {
    const kc = await api();
    const before = kc.analyses().length;
    const a = modelUri('models/mnist-cnn-seed1/model.onnx');
    const b = modelUri('models/mnist-cnn-seed2/model.onnx');
    const { result, messages } = await withRefusals(kc, () =>
      vscode.commands.executeCommand('knowledgeConsistency.compare', a, [a, b]),
    );
    assert.equal(result, undefined);
    assert.equal(messages.length, 1, `messages: ${JSON.stringify(messages)}`);
    assert.match(messages[0], /does not compare models in Restricted Mode.*Trust this workspace/);
    assert.equal(kc.analyses().length, before, 'an analysis was recorded');
    assertNoWorker(kc);
  });

  it('refuses to list layers and to start the engine', async () => {
    const kc = await api();
    // Open Layer Report without a layer asks the worker for the model's layers: refused before any picker opens.
    const layers = await withRefusals(kc, () => vscode.commands.executeCommand('knowledgeConsistency.openLayerReport'));
    assert.equal(layers.result, undefined);
    assert.equal(layers.messages.length, 1, `messages: ${JSON.stringify(layers.messages)}`);
    assert.match(layers.messages[0], /does not list layers in Restricted Mode/);
    const engine = await withRefusals(kc, () => vscode.commands.executeCommand('knowledgeConsistency.showEngineInfo'));
    assert.equal(engine.result, undefined);
    assert.match(engine.messages.join('\n'), /does not start the engine in Restricted Mode/);
    assertNoWorker(kc);
  });
});
