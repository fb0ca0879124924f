/** Saves what the webview exported (PNG of the view, CSV of the matrix, the JSON report) where the user chooses. */
import * as vscode from 'vscode';
import type { AnalysisRecord } from '../contracts';
import type { ExportMessage } from '../../protocol/webview.protocol';
import { exportBytes } from './export-bytes';

const FILTERS: Record<ExportMessage['format'], Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
  json: { 'Consistency report (JSON)': ['json'] },
};

/** Asks where to save and writes the file; resolves with the path, or undefined when the user cancelled. */
export async function saveExport(message: ExportMessage, record: AnalysisRecord): Promise<string | undefined> {
  const data = exportBytes(message, record.report);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, message.suggestedName) : undefined,
    filters: FILTERS[message.format],
    saveLabel: `Export ${message.format.toUpperCase()}`,
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, data);
  return target.fsPath;
}
