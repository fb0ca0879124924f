/**
 * The panel's one Export… entry (a button in the editor title bar): a quick pick of the format, then a save dialog,
 * then a notification with *Open*. PNG, CSV and JSON come from the webview (the picture and the matrix as drawn);
 * the Markdown and HTML reports are written here with the CLI's renderers (`kc report` makes the same files).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { checkReportTargets } from '../../engine/report/targets';
import { writeReports } from '../../engine/report/write';
import type { Report } from '../../protocol/report';
import type { ExportFormat, ExportMessage } from '../../protocol/webview.protocol';
import type { AnalysisRecord } from '../contracts';
import { exportBytes } from './export-bytes';

export type PanelExportFormat = ExportFormat | 'markdown' | 'html';

interface FormatItem extends vscode.QuickPickItem {
  format: PanelExportFormat;
}

export const EXPORT_FORMATS: FormatItem[] = [
  { format: 'png', label: '$(file-media) PNG image', description: 'the open tab as drawn (heatmap, strip or pair)' },
  { format: 'csv', label: '$(table) CSV table', description: 'the heatmap matrix of the chosen measure and direction' },
  { format: 'json', label: '$(json) JSON report', description: 'every number of the analysis (the kc report format)' },
  { format: 'markdown', label: '$(markdown) Markdown report', description: 'tables, with the heatmap PNG beside it' },
  { format: 'html', label: '$(file-code) HTML report', description: 'one self-contained page with every chart' },
];

const FILTERS: Record<PanelExportFormat, Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
  json: { 'Consistency report (JSON)': ['json'] },
  markdown: { 'Markdown report (the heatmap PNG is written beside it)': ['md'] },
  html: { 'HTML report': ['html'] },
};

/** The format the user chose, or undefined when the pick was dismissed. */
export async function pickExportFormat(): Promise<PanelExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(EXPORT_FORMATS, {
    title: 'Export the analysis',
    placeHolder: 'Format',
  });
  return picked?.format;
}

async function saveTarget(format: PanelExportFormat, suggestedName: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
    filters: FILTERS[format],
    saveLabel: 'Export',
  });
}

/** Saves what the webview exported (PNG, CSV, JSON) where the user chooses; undefined when cancelled. */
export async function saveExport(message: ExportMessage, record: AnalysisRecord): Promise<string | undefined> {
  const data = exportBytes(message, record.report);
  const target = await saveTarget(message.format, message.suggestedName);
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, data);
  return target.fsPath;
}

/** Writes the Markdown or the HTML report of an analysis; undefined when cancelled. */
export async function saveReport(
  format: 'markdown' | 'html',
  record: AnalysisRecord,
  stem: string,
): Promise<string | undefined> {
  if (!record.report)
    throw new Error(
      `this analysis has no report to export (${record.status === 'running' ? 'still running' : record.status})`,
    );
  const ext = format === 'markdown' ? 'md' : 'html';
  const target = await saveTarget(format, `${stem}.${ext}`);
  if (!target) return undefined;
  const file = target.fsPath;
  // A name typed in the save dialog may be a model file: refused, never replaced.
  await checkReportTargets(format === 'markdown' ? { md: file } : { html: file }, [
    { file: record.modelA, what: 'model A' },
    { file: record.modelB, what: 'model B' },
  ]);
  await writeReports(withStaleNote(record, record.report), format === 'markdown' ? { md: file } : { html: file });
  return file;
}

/** The notification after a save: *Open* shows the file (Markdown in the preview), *Reveal* shows it in the Explorer. */
export async function notifySaved(file: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `Knowledge Consistency: saved ${path.basename(file)}`,
    'Open',
    'Reveal in Explorer',
  );
  const uri = vscode.Uri.file(file);
  if (choice === 'Open')
    await vscode.commands.executeCommand(file.endsWith('.md') ? 'markdown.showPreview' : 'vscode.open', uri);
  else if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', uri);
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
