/**
 * The HTML document of every webview we show (the panel, the Model Overview): one nonce'd script and one stylesheet
 * from the extension, nothing inline, nothing remote; model text in it is HTML-escaped by the caller.
 */
import { esc } from '../engine/report/escape';

export interface WebviewShell {
  /** webview.cspSource: the only origin the webview may load resources from. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /** Markup of the body before the script (already escaped). */
  body: string;
  bodyClass?: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    // data:/blob: for the probe-map canvases and the PNG export, which draws serialised SVG charts.
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewDocument(o: WebviewShell): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(o.cspSource, o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${esc(o.styleUri)}">
<title>${esc(o.title)}</title>
</head>
<body${o.bodyClass ? ` class="${esc(o.bodyClass)}"` : ''}>
${o.body}
<script nonce="${o.nonce}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
