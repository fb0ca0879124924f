/**
 * Export… (knowledgeConsistency.exportReport), the one way out of an analysis, from the panel's editor title bar, the
 * Analyses view and the palette: a quick pick of the format, a save dialog, then a notification with *Open*.
 * PNG and CSV are what the panel draws (the webview answers a kc/requestExport); JSON, Markdown and HTML are written
 * here from the report with the CLI's writers (`kc report` makes the same files).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { checkReportTargets, type ReportFiles } from '../../engine/report/targets';
import { writeReports } from '../../engine/report/write';
import { analysisTitle, modelDisplayName } from '../../protocol/names';
import type { Report } from '../../protocol/report';
import type { ExportMessage } from '../../protocol/webview.protocol';
import type { AnalysisRecord, ExtensionServices } from '../contracts';
import { exportBytes } from './export-bytes';

export const EXPORT_REPORT_COMMAND = 'knowledgeConsistency.exportReport';

export type ExportChoice = 'png' | 'csv' | 'json' | 'markdown' | 'html';

interface FormatItem extends vscode.QuickPickItem {
  format: ExportChoice;
}

export const EXPORT_FORMATS: FormatItem[] = [
  { format: 'png', label: '$(file-media) PNG image', description: 'the open tab as drawn (heatmap, strip or pair)' },
  { format: 'csv', label: '$(table) CSV table', description: 'the heatmap matrix of the chosen measure and direction' },
  { format: 'json', label: '$(json) JSON report', description: 'every number of the analysis (the kc report format)' },
  { format: 'markdown', label: '$(markdown) Markdown report', description: 'tables, with the heatmap PNG beside it' },
  { format: 'html', label: '$(file-code) HTML report', description: 'one self-contained page with every chart' },
];

const FILES: Record<ExportChoice, { ext: string; filter: string }> = {
  png: { ext: 'png', filter: 'PNG image' },
  csv: { ext: 'csv', filter: 'CSV table' },
  json: { ext: 'json', filter: 'Consistency report (JSON)' },
  markdown: { ext: 'md', filter: 'Markdown report (the heatmap PNG is written beside it)' },
  html: { ext: 'html', filter: 'HTML report' },
};

/**
 * For scripts and tests: the format and the file, without asking (a file applies to JSON, Markdown and HTML; PNG and
 * CSV are drawn by the panel, saved through its dialog). open: true opens what was written, false leaves it; by
 * default a notification offers *Open*.
 */
export interface ExportOptions {
  format?: ExportChoice;
  file?: string;
  open?: boolean;
}

/**
 * Registers Export…. Its argument: an analysis id or record (the Analyses view), a model file (its analysis as the
 * inline views show it), or nothing: the analysis of the active panel, else of the active model editor, else a pick.
 * Returns the files written (JSON, Markdown and HTML; the panel saves PNG and CSV when the webview answers).
 */
export function registerExportReport(
  services: ExtensionServices,
  forModel: (uri: vscode.Uri) => AnalysisRecord | undefined,
): vscode.Disposable {
  return vscode.commands.registerCommand(
    EXPORT_REPORT_COMMAND,
    async (arg?: string | AnalysisRecord | vscode.Uri, options: ExportOptions = {}) => {
      const record = resolveRecord(services, forModel, arg) ?? (await pickRecord(services));
      if (!record) return undefined;
      if (!record.report) {
        void vscode.window.showWarningMessage(
          `Knowledge Consistency: this analysis ${record.status === 'running' ? 'is still running' : `has no report (${record.status})`}; nothing to export.`,
        );
        return undefined;
      }
      const format = options.format ?? (await pickExportFormat());
      if (!format) return undefined;
      if (format === 'png' || format === 'csv') {
        if (!services.panel) throw new Error('the report panel is not available in this build');
        services.panel.requestExport(record, format);
        return undefined;
      }
      try {
        const written = await writeReport(format, record, options.file);
        if (!written) return undefined;
        services.log.info(`export: wrote ${written.join(', ')}`);
        const main = written.at(-1)!;
        if (options.open === true) await openSaved(main);
        else if (options.open === undefined) void notifySaved(main);
        return written;
      } catch (error) {
        void vscode.window.showErrorMessage(
          `Knowledge Consistency: could not export the ${format} report: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    },
  );
}

async function pickExportFormat(): Promise<ExportChoice | undefined> {
  const picked = await vscode.window.showQuickPick(EXPORT_FORMATS, {
    title: 'Export the analysis',
    placeHolder: 'Format',
  });
  return picked?.format;
}

async function saveTarget(format: ExportChoice, suggestedName: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
    filters: { [FILES[format].filter]: [FILES[format].ext] },
    saveLabel: 'Export',
  });
}

/** Saves what the webview drew (PNG, CSV) where the user chooses, then offers *Open*; undefined when cancelled. */
export async function saveDrawn(message: ExportMessage): Promise<string | undefined> {
  const target = await saveTarget(message.format, message.suggestedName);
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, exportBytes(message));
  void notifySaved(target.fsPath);
  return target.fsPath;
}

/** Writes the JSON, Markdown or HTML report (to `file`, else where the user chooses); the files written, the asked
 * one last (the Markdown's heatmap image comes first); undefined when cancelled. */
async function writeReport(
  format: 'json' | 'markdown' | 'html',
  record: AnalysisRecord,
  file?: string,
): Promise<string[] | undefined> {
  const target = file ?? (await saveTarget(format, `kc-report-${slug(record)}.${FILES[format].ext}`))?.fsPath;
  if (!target) return undefined;
  const files: ReportFiles = format === 'markdown' ? { md: target } : { [format]: target };
  // A name typed in the save dialog may be a model file: refused, never replaced.
  await checkReportTargets(files, [
    { file: record.modelA, what: 'model A' },
    { file: record.modelB, what: 'model B' },
  ]);
  return writeReports(withStaleNote(record, record.report!), files);
}

/** The notification after a save: *Open* shows the file, *Reveal in Explorer* shows where it is. */
async function notifySaved(file: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `Knowledge Consistency: saved ${path.basename(file)}`,
    'Open',
    'Reveal in Explorer',
  );
  if (choice === 'Open') await openSaved(file);
  else if (choice === 'Reveal in Explorer')
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file));
}

/** The Markdown in VS Code's preview, the HTML report rendered (not its source), anything else in an editor. */
async function openSaved(file: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  if (file.endsWith('.md')) await vscode.commands.executeCommand('markdown.showPreview', uri);
  else if (file.endsWith('.html')) await showHtml(uri);
  else await vscode.commands.executeCommand('vscode.open', uri);
}

/** The HTML report has no scripts and its own CSP (inline styles, data: images): a plain webview shows it as is. */
async function showHtml(uri: vscode.Uri): Promise<void> {
  const panel = vscode.window.createWebviewPanel(
    'knowledgeConsistency.htmlReport',
    path.basename(uri.fsPath),
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableScripts: false },
  );
  panel.webview.html = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

function resolveRecord(
  services: ExtensionServices,
  forModel: (uri: vscode.Uri) => AnalysisRecord | undefined,
  arg: string | AnalysisRecord | vscode.Uri | undefined,
): AnalysisRecord | undefined {
  if (typeof arg === 'string') return services.store.get(arg);
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return forModel(arg);
  if (arg && typeof arg === 'object' && 'id' in arg) return services.store.get(arg.id);
  // The panel's title bar passes its webview's own URI (not a file): the analysis it shows.
  const shown = services.panel?.activeAnalysisId();
  if (shown) return services.store.get(shown);
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return uri && forModel(uri);
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
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Export which analysis?' }))?.record;
}

/** The report as it ran, plus a warning when a model changed since (the numbers describe the old content). */
function withStaleNote(record: AnalysisRecord, report: Report): Report {
  if (!record.stale) return report;
  return {
    ...report,
    warnings: [
      `Stale: a model file changed after this analysis (${record.startedAt}); the numbers describe the old content.`,
      ...report.warnings,
    ],
  };
}

/** "seed1-vs-seed2", from the names the report shows (as the webview names its PNG and CSV). */
function slug(record: AnalysisRecord): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  const a = record.report?.models?.a.name ?? modelDisplayName(record.modelA);
  const b = record.report?.models?.b.name ?? modelDisplayName(record.modelB);
  return `${clean(a)}-vs-${clean(b)}`;
}
