/** The bytes of an export the webview asked for (pure, so it is unit-tested without VS Code). */
import type { Report } from '../../protocol/report';
import type { ExportMessage } from '../../protocol/webview.protocol';

export function exportBytes(message: ExportMessage, report: Report | undefined): Uint8Array {
  switch (message.format) {
    case 'png':
      return Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64');
    case 'csv':
      return Buffer.from(message.content, 'utf8');
    case 'json':
      if (!report) throw new Error('this analysis has no report to export (it failed or was cancelled)');
      return Buffer.from(JSON.stringify(report, null, 2) + '\n', 'utf8');
  }
}
