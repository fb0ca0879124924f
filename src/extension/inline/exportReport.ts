/**
 * knowledgeConsistency.exportReport: the Markdown report (heatmap PNG beside it) and the self-contained HTML report
 * of an analysis, written with the CLI's renderers (`kc report` makes the same files), then opened: the Markdown in
 * VS Code's preview, the HTML in a webview. A stale analysis says so in both reports.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { checkReportTargets } from '../../engine/report/targets';
import { writeReports } from '../../engine/report/write';
import type { Report } from '../../protocol/report';
import type { AnalysisRecord, ExtensionServices } from '../contracts';
import type { ConsistencySource } from './source';
import { analysisTitle, modelDisplayName } from '../../protocol/names';

export const EXPORT_REPORT_COMMAND = 'knowledgeConsistency.exportReport';

/** For scripts and tests: where to write without asking, and whether to open what was written. */
export interface ExportOptions {
  folder?: string;
  open?: boolean;
}

export interface ExportedReport {
  markdown: string;
  html: string;
  heatmap?: string;
}

export function registerExportReport(services: ExtensionServices, source: ConsistencySource): vscode.Disposable {
  return vscode.commands.registerCommand(
    EXPORT_REPORT_COMMAND,
    async (arg?: string | AnalysisRecord | vscode.Uri, options: ExportOptions = {}) => {
      const record = resolveRecord(services, source, arg) ?? (await pickRecord(services));
      if (!record) return undefined;
      if (!record.report) {
        void vscode.window.showWarningMessage(
          `Knowledge Consistency: this analysis ${record.status === 'running' ? 'is still running' : `has no report (${record.status})`}; nothing to export.`,
        );
        return undefined;
      }
      const stem = `kc-report-${slug(record)}`;
      let markdown: string;
      if (options.folder) {
        markdown = path.join(options.folder, `${stem}.md`);
      } else {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const target = await vscode.window.showSaveDialog({
          defaultUri: folder ? vscode.Uri.joinPath(folder, `${stem}.md`) : undefined,
          filters: { 'Markdown report (the HTML report is written beside it)': ['md'] },
          saveLabel: 'Export Reports',
        });
        if (!target) return undefined;
        markdown = target.fsPath;
      }
      const html = path.join(path.dirname(markdown), `${path.basename(markdown, path.extname(markdown))}.html`);
      let written: string[];
      try {
        // A name typed in the save dialog may be a model file or the HTML report's own name: refused, never replaced.
        await checkReportTargets({ md: markdown, html }, [
          { file: record.modelA, what: 'model A' },
          { file: record.modelB, what: 'model B' },
        ]);
        written = await writeReports(withStaleNote(record), { md: markdown, html });
      } catch (error) {
        void vscode.window.showErrorMessage(
          `Knowledge Consistency: could not write the reports: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
      services.log.info(`export: wrote ${written.join(', ')}`);
      if (options.open !== false) {
        await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(markdown));
        await showHtml(html);
      }
      return { markdown, html, heatmap: written.find((f) => f.endsWith('.png')) } satisfies ExportedReport;
    },
  );
}

/** An analysis id or record, a model file (its analysis as the inline views show it), or the active model editor. */
function resolveRecord(
  services: ExtensionServices,
  source: ConsistencySource,
  arg: string | AnalysisRecord | vscode.Uri | undefined,
): AnalysisRecord | undefined {
  if (typeof arg === 'string') return services.store.get(arg);
  if (arg instanceof vscode.Uri) return source.forModel(arg)?.record;
  if (arg && typeof arg === 'object' && 'id' in arg) return services.store.get(arg.id);
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return uri && source.forModel(uri)?.record;
}

async function pickRecord(services: ExtensionServices): Promise<AnalysisRecord | undefined> {
  const items = services.store
    .all()
    .filter((r) => r.status === 'done')
    .map((record) => ({
      label: analysisTitle(record.modelA, record.modelB),
      description: `${record.probe} · ${record.preset}${record.stale ? ' · stale' : ''}`,
      detail: new Date(record.startedAt).toLocaleString(),
      record,
    }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Knowledge Consistency: no finished analysis to export yet.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Export the reports of which analysis?' }))?.record;
}

/** The report as it ran, plus a warning when a model changed since (the numbers describe the old content). */
function withStaleNote(record: AnalysisRecord): Report {
  const report = record.report!;
  if (!record.stale) return report;
  return {
    ...report,
    warnings: [
      `Stale: a model file changed after this analysis (${record.startedAt}); the numbers describe the old content.`,
      ...report.warnings,
    ],
  };
}

function slug(record: AnalysisRecord): string {
  const name = (p: string) => modelDisplayName(p).replace(/[^\w.-]+/g, '-');
  return `${name(record.modelA)}-vs-${name(record.modelB)}`;
}

/** The HTML report has no scripts and its own CSP (inline styles, data: images): a plain webview shows it as is. */
async function showHtml(file: string): Promise<void> {
  const panel = vscode.window.createWebviewPanel(
    'knowledgeConsistency.htmlReport',
    path.basename(file),
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableScripts: false },
  );
  panel.webview.html = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
}
