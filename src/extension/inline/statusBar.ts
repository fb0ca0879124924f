/**
 * The status bar item: the reference model and, when the active editor shows a model file, that file's mean
 * explained fraction against it (marked stale when it is). Click: set or change the reference.
 */
import * as vscode from 'vscode';
import { markdownText as md } from '../../engine/report/escape';
import { fmt } from '../../protocol/format';
import type { ReferenceModel } from '../contracts';
import { isModelFile, type ConsistencySource } from './source';
import { modelDisplayName } from '../../protocol/names';

export class ReferenceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'knowledgeConsistency.reference',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly source: ConsistencySource,
    private readonly reference: ReferenceModel,
  ) {
    this.item.name = 'Knowledge Consistency: reference model';
    this.item.command = { title: 'Set Reference Model', command: 'knowledgeConsistency.setReferenceModel' };
    this.subscriptions = [
      this.item,
      source.onDidChange(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.update()),
      vscode.workspace.onDidChangeTextDocument(
        (e) => e.document.uri.toString() === activeModel()?.toString() && this.update(),
      ),
    ];
    this.update();
  }

  private update(): void {
    const ref = this.reference.get();
    const active = activeModel();
    if (!ref && !active) {
      this.item.hide();
      return;
    }
    const refName = ref ? modelDisplayName(ref.path) : 'none';
    let text = `$(pin) ref: ${refName}`;
    const tooltip = new vscode.MarkdownString(
      `**Knowledge Consistency**\n\nReference model: ${ref ? md(vscode.workspace.asRelativePath(ref)) : 'none yet'}`,
    );
    const model = active && this.source.forModel(active);
    if (active && model) {
      const dirty = vscode.workspace.textDocuments.some((d) => d.uri.toString() === active.toString() && d.isDirty);
      const stale = model.stale || model.checking || dirty;
      // Against the reference unless only another analysis exists (then the other model is named).
      const against = ref?.fsPath === model.otherPath ? '' : ` vs ${model.otherName}`;
      text += ` · ${modelDisplayName(active.path)} ${fmt(model.mean, 2)}${against}${stale ? ' (stale)' : ''}`;
      tooltip.appendMarkdown(
        `\n\n${md(modelDisplayName(active.path))}: mean explained ${fmt(model.mean, 3)} vs ${md(model.otherName)} over its compared layers` +
          (stale ? ' — **stale**: the model changed after this analysis' : ''),
      );
    } else if (active) {
      tooltip.appendMarkdown(`\n\n${md(modelDisplayName(active.path))}: no analysis yet`);
    }
    tooltip.appendMarkdown('\n\nClick to set or change the reference model.');
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

/** The model file in the active editor tab: a text editor or a custom editor (Model Overview). */
function activeModel(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return uri && isModelFile(uri) ? uri : undefined;
}
