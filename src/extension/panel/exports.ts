/** Saves what the webview exported (PNG of the view, CSV of the matrix, the JSON report) where the user chooses. */
import * as vscode from 'vscode';
import type { AnalysisRecord } from '../contracts';
import type { ExportMessage } from '../../protocol/webview.protocol';

const FILTERS: Record<ExportMessage['format'], Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
  json: { 'Consistency report (JSON)': ['json'] },
};

function bytesOf(message: ExportMessage, record: AnalysisRecord): Uint8Array {
  switch (message.format) {
    case 'png':
      return Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64');
    case 'csv':
      return Buffer.from(message.content, 'utf8');
    case 'json':
      if (!record.report) throw new Error('this analysis has no report to export (it failed or was cancelled)');
      return Buffer.from(JSON.stringify(record.report, null, 2) + '\n', 'utf8');
  }
}

/** Asks where to save and writes the file; resolves with the path, or undefined when the user cancelled. */
export async function saveExport(message: ExportMessage, record: AnalysisRecord): Promise<string | undefined> {
  const data = bytesOf(message, record);
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
