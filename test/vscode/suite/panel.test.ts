// The consistency panel in a real VS Code: a compare opens it on the analysis, openAnalysis reveals it again, and
// a second analysis reuses the same panel. (What the webview draws is checked in test/browser and test/ui.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';
const VIEW_TYPE = 'knowledgeConsistency.panel';

interface AnalysisRecord {
  id: string;
  status: string;
  error?: string;
  report?: { pairs: unknown[] };
}

const root = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const model = (name: string): vscode.Uri => vscode.Uri.joinPath(root(), 'models', name, 'model.onnx');

/** Tabs showing our panel (the workbench prefixes webview view types, so match the end). */
function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function compare(a: string, b: string): Promise<AnalysisRecord> {
  const record = await vscode.commands.executeCommand<AnalysisRecord | undefined>(
    'knowledgeConsistency.compare',
    model(a),
    [model(a), model(b)],
  );
  assert.ok(record, 'the compare command returned nothing');
  assert.equal(record.status, 'done', `status ${record.status}: ${record.error ?? ''}`);
  return record;
}

describe('consistency panel', function () {
  this.timeout(300_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const config = vscode.workspace.getConfiguration('knowledgeConsistency');
    for (const [k, v] of Object.entries({
      'probe.source': 'mnist',
      'probe.count': 64,
      preset: 'fast',
      epochs: 3,
      orders: 1,
    })) {
      await config.update(k, v, vscode.ConfigurationTarget.Workspace);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens on the analysis when a compare runs, titled with both models', async () => {
    const record = await compare('mnist-cnn-seed1', 'mnist-cnn-seed2');
    assert.ok(record.report && record.report.pairs.length > 0);
    await waitFor(() => panelTabs().length === 1, 'the consistency panel tab');
    const tab = panelTabs()[0];
    assert.match(tab.label, /mnist-cnn-seed1 ↔ mnist-cnn-seed2/);
    assert.equal(tab.isActive, true);
  });

  it('is revealed again by openAnalysis, and one panel serves every analysis', async () => {
    const first = await compare('mnist-cnn-seed1', 'mnist-cnn-seed2');
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await waitFor(() => panelTabs().every((t) => !t.isActive), 'another editor in front');
    await vscode.commands.executeCommand('knowledgeConsistency.openAnalysis', first.id);
    await waitFor(() => panelTabs().some((t) => t.isActive), 'the panel to come back to the front');

    // The fixture workspace holds two models: B against A is another analysis (the direction matters).
    const second = await compare('mnist-cnn-seed2', 'mnist-cnn-seed1');
    assert.notEqual(second.id, first.id);
    await waitFor(
      () => panelTabs().some((t) => /^mnist-cnn-seed2 ↔ mnist-cnn-seed1/.test(t.label)),
      'the panel to show the second analysis',
    );
    assert.equal(panelTabs().length, 1, 'one panel, not one per analysis');
  });

  it('explains its numbers: the help page opens in the Markdown preview', async () => {
    const page = await vscode.commands.executeCommand<vscode.Uri>('knowledgeConsistency.explainNumbers');
    assert.ok(page && existsSync(page.fsPath), `no help page at ${page?.fsPath}`);
    assert.match(readFileSync(page.fsPath, 'utf8'), /# What do these numbers mean\?/);
    await waitFor(
      () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => /numbers\.md/.test(t.label))),
      'the preview of numbers.md',
    );
  });
});
