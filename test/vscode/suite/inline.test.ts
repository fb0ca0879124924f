// Inline reports in a real VS Code: a real compare of the two sample TF.js models (small settings), then on
// seed1's model.json the CodeLenses sit on the layers' "name" lines with the report's numbers, hovers carry the
// full numbers, diagnostics follow the threshold setting, an edit marks everything stale (and the analysed
// content makes it current again), the reports export, and the Model Overview opens on an ONNX file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';

interface Pair {
  layerA: string;
  layerB: string;
  direction: 'A->B' | 'B->A';
  explained: number;
  orders: Array<{ order: number; fraction: number }>;
  inconsistent: { fraction: number };
}
interface AnalysisRecord {
  id: string;
  status: string;
  error?: string;
  stale?: boolean;
  modelA: string;
  modelB: string;
  report?: { pairs: Pair[] };
}
interface Api {
  analyses(): AnalysisRecord[];
  onDidChangeAnalysis: vscode.Event<AnalysisRecord>;
}

const root = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const modelJson = (name: string): vscode.Uri => vscode.Uri.joinPath(root(), 'models', name, 'tfjs', 'model.json');
const onnx = (name: string): vscode.Uri => vscode.Uri.joinPath(root(), 'models', name, 'model.onnx');

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('knowledgeConsistency');
  for (const [key, value] of Object.entries(values))
    await config.update(key, value, vscode.ConfigurationTarget.Workspace);
}

const lensesOf = async (uri: vscode.Uri) =>
  (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
const ours = (d: vscode.Diagnostic) => d.source === 'Knowledge Consistency';
const diagnosticsOf = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter(ours);

/** The 0-based line of a layer's `"name": "<layer>"` property in the file's text. */
function nameLine(text: string, layer: string): number {
  const at = text.search(new RegExp(`"name":\\s*"${layer.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
  assert.ok(at >= 0, `no "name": "${layer}" in the file`);
  return text.slice(0, at).split('\n').length - 1;
}

describe('inline reports', function () {
  this.timeout(300_000);
  let api: Api;
  let record: AnalysisRecord;
  let document: vscode.TextDocument;
  /** seed1 is model A: its layers are explained by seed2's in the B->A pairs. */
  let explainedHere: Pair[];

  let original: Uint8Array | undefined;
  after(async () => {
    // Leave the sample as it was, whatever failed.
    if (original) await vscode.workspace.fs.writeFile(modelJson('mnist-cnn-seed1'), original);
  });

  before(async () => {
    original = await vscode.workspace.fs.readFile(modelJson('mnist-cnn-seed1'));
    api = await vscode.extensions.getExtension<Api>(EXTENSION_ID)!.activate();
    await configure({
      'probe.source': 'mnist',
      'probe.count': 64,
      preset: 'fast',
      epochs: 3,
      orders: 1,
      'inline.threshold': 0.5,
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('knowledgeConsistency.setReferenceModel', modelJson('mnist-cnn-seed2'));
    const a = modelJson('mnist-cnn-seed1');
    const b = modelJson('mnist-cnn-seed2');
    const result = await vscode.commands.executeCommand<AnalysisRecord | undefined>('knowledgeConsistency.compare', a, [
      a,
      b,
    ]);
    assert.ok(result, 'the compare command returned nothing');
    assert.equal(result.status, 'done', `status ${result.status}: ${result.error ?? ''}`);
    record = result;
    explainedHere = record.report!.pairs.filter((p) => p.direction === 'B->A');
    assert.ok(explainedHere.length >= 2, `only ${explainedHere.length} B->A pairs in the report`);
    document = await vscode.workspace.openTextDocument(a);
    await vscode.window.showTextDocument(document);
  });

  it('puts a CodeLens on the name line of each compared layer with its numbers against the reference', async () => {
    const text = document.getText();
    const lenses = await lensesOf(document.uri);
    for (const pair of explainedHere) {
      const line = nameLine(text, pair.layerA);
      const titles = lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
      const orders = pair.orders.map((o) => o.fraction.toFixed(2)).join(' / ');
      assert.ok(
        titles.includes(
          `mnist-cnn-seed2/tfjs explains ${pair.explained.toFixed(2)} of this layer · orders ${orders} ▸`,
        ),
        `line ${line + 1} (${pair.layerA}): ${JSON.stringify(titles)}`,
      );
    }
    // Layers that took part in no pair get no lens; the summary sits on the modelTopology line.
    const compared = new Set(explainedHere.map((p) => p.layerA));
    const names = [...text.matchAll(/"name":\s*"([^"]+)"/g)].map((m) => m[1]).filter((n) => n !== 'sequential');
    for (const name of names.filter((n) => !compared.has(n))) {
      const extra = lenses.filter((l) => l.range.start.line === nameLine(text, name));
      assert.equal(
        extra.length,
        0,
        `a lens on ${name}, which was not compared: ${extra.map((l) => l.command?.title).join(' | ')}`,
      );
    }
    const first = text.slice(0, text.indexOf('"modelTopology"')).split('\n').length - 1;
    const mean = explainedHere.reduce((s, p) => s + p.explained, 0) / explainedHere.length;
    assert.ok(
      lenses.some(
        (l) =>
          l.range.start.line === first &&
          l.command?.title ===
            `Knowledge consistency vs mnist-cnn-seed2/tfjs: mnist-cnn-seed2/tfjs explains ${mean.toFixed(2)} of this model's layers on average (${explainedHere.length} layers) · open analysis ▸`,
      ),
    );
  });

  it('opens the drill-down of the pair from a layer lens', async () => {
    const pair = explainedHere[0];
    const lens = (await lensesOf(document.uri)).find(
      (l) =>
        l.range.start.line === nameLine(document.getText(), pair.layerA) &&
        !!l.command?.title.startsWith('mnist-cnn-seed2/tfjs explains'),
    )!;
    const focus = await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.deepEqual(focus, { layerA: pair.layerA, layerB: pair.layerB, direction: 'B->A' });
    await waitFor(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some(
            (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('knowledgeConsistency.panel'),
          ),
      'the panel',
    );
    await vscode.window.showTextDocument(document);
  });

  it('hovers over a layer name with every number of its pair', async () => {
    const pair = explainedHere[0];
    const line = nameLine(document.getText(), pair.layerA);
    const position = new vscode.Position(line, document.lineAt(line).text.indexOf(pair.layerA) + 1);
    const hovers =
      (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ??
      [];
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /Knowledge consistency/);
    assert.ok(text.includes(`| explained | \``) && text.includes(pair.explained.toFixed(3)), text);
    for (const o of pair.orders)
      assert.ok(
        text.includes(`| order ${o.order} |`) && text.includes(o.fraction.toFixed(3)),
        `order ${o.order}: ${text}`,
      );
    assert.ok(text.includes(pair.inconsistent.fraction.toFixed(3)), text);
    assert.match(text, /[█░]{10}/, 'no inline bar');
    // Not on a line that names no layer.
    const elsewhere =
      (await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        document.uri,
        new vscode.Position(0, 1),
      )) ?? [];
    assert.ok(
      !elsewhere
        .flatMap((h) => h.contents)
        .some((c) => /Knowledge consistency/.test(typeof c === 'string' ? c : c.value)),
    );
  });

  it('warns in the Problems panel on layers below the threshold, and follows the setting', async () => {
    const values = explainedHere.map((p) => p.explained).sort((x, y) => x - y);
    // Thresholds between the measured values: 0, then every layer below the midpoint, then all of them.
    const cases = [0, (values[0] + values[1]) / 2, 1];
    for (const threshold of cases) {
      await configure({ 'inline.threshold': threshold });
      const expected = explainedHere.filter((p) => p.explained < threshold);
      await waitFor(
        () => diagnosticsOf(document.uri).length === expected.length,
        `${expected.length} diagnostics at threshold ${threshold} (have ${diagnosticsOf(document.uri).length})`,
      );
      for (const pair of expected) {
        const d = diagnosticsOf(document.uri).find(
          (x) => x.range.start.line === nameLine(document.getText(), pair.layerA),
        );
        assert.ok(d, `no diagnostic on ${pair.layerA}`);
        assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
        const unexplained = (1 - pair.explained).toFixed(2);
        assert.ok(
          d.message.startsWith(
            `${unexplained} of this layer's feature variance is not predictable from the reference model's ${pair.layerB} (mnist-cnn-seed2/tfjs): mnist-cnn-seed2/tfjs explains ${pair.explained.toFixed(2)} of it`,
          ),
          d.message,
        );
      }
    }
  });

  it('marks everything stale when the file changes, and current again when it is back to the analysed content', async () => {
    const editor = await vscode.window.showTextDocument(document);
    let titles: string[] = [];
    // Every lens (the summary and one per compared layer) says stale, none shows the numbers as current.
    const staleTitles = async (pattern: RegExp) => {
      titles = (await lensesOf(document.uri)).map((l) => l.command?.title ?? '');
      return titles.length === explainedHere.length + 1 && titles.every((t) => pattern.test(t));
    };
    const end = document.lineAt(document.lineCount - 1).range.end;
    await editor.edit((e) => e.insert(end, '\n'));
    assert.ok(document.isDirty);
    await waitFor(
      () => staleTitles(/^\(stale: unsaved edits since this analysis\)/),
      'lenses marked stale for unsaved edits',
      20_000,
    ).catch((e: Error) => assert.fail(`${e.message}: ${titles.join(' | ')}`));
    await waitFor(() => diagnosticsOf(document.uri).length === 0, 'diagnostics cleared while stale');

    await document.save();
    await waitFor(
      () => api.analyses().find((r) => r.id === record.id)?.stale === true,
      'the store to mark the analysis stale',
    );
    await waitFor(
      () => staleTitles(/^\(stale: the model changed after this analysis\)/),
      'lenses marked stale for the changed file',
    ).catch((e: Error) => assert.fail(`${e.message}: ${titles.join(' | ')}`));
    const hover =
      (await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        document.uri,
        new vscode.Position(nameLine(document.getText(), explainedHere[0].layerA), 6),
      )) ?? [];
    assert.ok(
      hover
        .flatMap((h) => h.contents)
        .some((c) => /stale: the model changed/.test(typeof c === 'string' ? c : c.value)),
      'the hover does not say stale',
    );

    // Back to the analysed bytes: the same numbers are current again.
    await editor.edit((e) =>
      e.delete(
        new vscode.Range(
          document.lineAt(document.lineCount - 2).range.end,
          document.lineAt(document.lineCount - 1).range.end,
        ),
      ),
    );
    await document.save();
    await waitFor(
      () => api.analyses().find((r) => r.id === record.id)?.stale === false,
      'the analysis to be current again',
    );
    await waitFor(
      async () =>
        (await lensesOf(document.uri)).filter((l) => l.command?.title.startsWith('mnist-cnn-seed2/tfjs explains'))
          .length === explainedHere.length,
      'current lenses',
    );
  });

  it('exports the Markdown report with its heatmap and the HTML report through the one Export…', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kc-export-'));
    const exportAs = (format: string, file: string, open = false) =>
      vscode.commands.executeCommand<string[] | undefined>('knowledgeConsistency.exportReport', record.id, {
        format,
        file: path.join(folder, file),
        open,
      });
    const written = await exportAs('markdown', 'report.md');
    assert.ok(written, 'nothing exported');
    // The heatmap image first, so the Markdown never links to a missing file; the Markdown last.
    const [heatmap, markdown] = written;
    assert.equal(markdown, path.join(folder, 'report.md'));
    const md = readFileSync(markdown, 'utf8');
    // TF.js files: the display name carries the format folder, as in the sidebar (src/protocol/names.ts).
    assert.match(md, /^# Knowledge consistency: mnist-cnn-seed1\/tfjs vs mnist-cnn-seed2\/tfjs/);
    assert.ok(md.includes(`](${path.basename(heatmap)})`), 'the Markdown does not show the heatmap image');
    assert.deepEqual([...readFileSync(heatmap).subarray(1, 4)], [...Buffer.from('PNG')]);
    for (const p of explainedHere)
      assert.ok(md.includes(p.explained.toFixed(3)), `${p.layerA}: ${p.explained.toFixed(3)} not in the Markdown`);
    const [html] = (await exportAs('html', 'report.html'))!;
    assert.match(
      readFileSync(html, 'utf8'),
      /^<!DOCTYPE html>[\s\S]*Knowledge consistency: mnist-cnn-seed1\/tfjs vs mnist-cnn-seed2\/tfjs/,
    );
    const [json] = (await exportAs('json', 'report.json'))!;
    assert.deepEqual(JSON.parse(readFileSync(json, 'utf8')).pairs, JSON.parse(JSON.stringify(record.report!.pairs)));

    // What Open does: the Markdown in VS Code's preview, the HTML report rendered in a webview.
    await exportAs('markdown', 'opened.md', true);
    await exportAs('html', 'opened.html', true);
    const webviews = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .flatMap((t) => (t.input instanceof vscode.TabInputWebview ? [t.input.viewType] : []));
    await waitFor(
      () =>
        webviews().some((v) => v.endsWith('markdown.preview')) &&
        webviews().some((v) => v.endsWith('knowledgeConsistency.htmlReport')),
      `the Markdown preview and the HTML report (tabs: ${webviews().join(', ')})`,
    );
  });

  it('drops everything when the analysis is removed', async () => {
    await configure({ 'inline.threshold': 1 });
    await waitFor(() => diagnosticsOf(document.uri).length === explainedHere.length, 'the diagnostics before removal');
    await vscode.commands.executeCommand('knowledgeConsistency.removeAnalysis', record.id);
    await waitFor(() => diagnosticsOf(document.uri).length === 0, 'no diagnostics once the analysis is removed');
    const titles = (await lensesOf(document.uri)).map((l) => l.command?.title ?? '');
    assert.deepEqual(titles, [
      'Knowledge consistency: no analysis of this model yet · compare with the reference model ▸',
    ]);
  });

  it('opens the Model Overview custom editor on an ONNX file', async () => {
    await vscode.commands.executeCommand('knowledgeConsistency.openModelOverview', onnx('mnist-cnn-seed1'));
    await waitFor(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputCustom,
      'the Model Overview tab',
    );
    const input = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputCustom;
    assert.equal(input.viewType, 'knowledgeConsistency.modelOverview');
    assert.equal(input.uri.fsPath, onnx('mnist-cnn-seed1').fsPath);
  });

  it('is the default editor of an .onnx file (binary), and opens on a model.json by command', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vscode.open', onnx('mnist-cnn-seed2'));
    await waitFor(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputCustom,
      'the Model Overview as the default editor of an .onnx file',
    );
    await vscode.commands.executeCommand('knowledgeConsistency.openModelOverview', modelJson('mnist-cnn-seed2'));
    await waitFor(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.fsPath === modelJson('mnist-cnn-seed2').fsPath;
    }, 'the Model Overview of a model.json');
  });
});
