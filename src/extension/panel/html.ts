/** The panel's HTML shell: the webview document around the app's root element. */
import { webviewDocument } from '../webviewHtml';

export interface PanelHtmlOptions {
  /** webview.cspSource: the only origin the webview may load resources from. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function panelHtml(o: PanelHtmlOptions): string {
  return webviewDocument({ ...o, body: '<div id="app"></div>' });
}
