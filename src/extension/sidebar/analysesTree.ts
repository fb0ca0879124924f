/** The Analyses view: past and running comparisons, newest first; click to reopen the panel. */
import * as vscode from 'vscode';
import { markdownText as md } from '../../engine/report/escape';
import type { AnalysisRecord } from '../contracts';
import type { DiskResultsStore } from '../results/store';
import { analysisTitle } from '../../protocol/names';

const STATUS_ICONS: Record<AnalysisRecord['status'], [string, string?]> = {
  running: ['sync~spin'],
  done: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash'],
};

export class AnalysesTreeProvider implements vscode.TreeDataProvider<AnalysisRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly store: DiskResultsStore) {
    // Whole-list refreshes: the list is short, and a record's position changes when it restarts.
    this.subscriptions = [
      store.onDidChange(() => this.changed.fire(undefined)),
      store.onDidRemove(() => this.changed.fire(undefined)),
    ];
  }

  getChildren(record?: AnalysisRecord): AnalysisRecord[] {
    return record ? [] : this.store.all();
  }

  getTreeItem(record: AnalysisRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(analysisTitle(record.modelA, record.modelB));
    item.id = record.id;
    const status = record.stale ? 'stale' : record.status;
    item.description = `${record.probe} · ${record.preset} · ${whenLabel(record.startedAt)}${status === 'done' ? '' : ` · ${status}`}`;
    const [icon, color] = record.stale ? ['warning', 'list.warningForeground'] : STATUS_ICONS[record.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = `kcAnalysis.${record.status}`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**A** ${md(record.modelA)}`,
        `**B** ${md(record.modelB)}`,
        md(`probe ${record.probe} · preset ${record.preset} · ${new Date(record.startedAt).toLocaleString()}`),
        `status **${record.status}**${record.stale ? ' · a model file changed since: results are stale' : ''}`,
        record.error ? `\n${md(record.error)}` : '',
      ].join('  \n'),
    );
    item.command = { title: 'Open Analysis', command: 'knowledgeConsistency.openAnalysis', arguments: [record.id] };
    return item;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

/** "just now", "5 min ago", "3 h ago", else the date. */
function whenLabel(iso: string): string {
  const minutes = (Date.now() - Date.parse(iso)) / 60_000;
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${Math.floor(minutes)} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return new Date(iso).toLocaleDateString();
}
