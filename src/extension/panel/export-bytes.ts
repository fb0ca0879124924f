/** The bytes of what the webview drew for an export (pure, so it is unit-tested without VS Code). */
import type { ExportMessage } from '../../protocol/webview.protocol';

export function exportBytes(message: ExportMessage): Uint8Array {
  return message.format === 'png'
    ? Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64')
    : Buffer.from(message.content, 'utf8');
}
