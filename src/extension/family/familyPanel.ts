/**
 * A family or drift panel: one webview per run (or per watched folder) that draws the report as it grows
 * (webview/family) and asks for a cell's pair drill-down, which the consistency panel shows.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DriftReport, FamilyReport } from '../../protocol/family';
import {
  FAMILY_VIEW_TYPE,
  parseFamilyViewMessage,
  type FamilyHostMessage,
  type ManyModelStatus,
  type OpenPairMessage,
} from '../../protocol/family-view.protocol';
import { webviewDocument } from '../webviewHtml';

export class FamilyPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private last?: FamilyHostMessage;
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    extensionUri: vscode.Uri,
    title: string,
    private readonly onOpenPair: (message: OpenPairMessage, report: FamilyReport | DriftReport) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panel = vscode.window.createWebviewPanel(FAMILY_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'kc.svg');
    const webview = this.panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
    webview.html = webviewDocument({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('webview-family.js'),
      styleUri: asset('webview-family.css'),
      title,
      body: '<div id="app"></div>',
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.panel.onDidChangeViewState(() => {
        // A hidden webview is destroyed: it says ready again when shown.
        if (!this.panel.visible) this.ready = false;
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The report so far (kept when an update has none: a failed rerun of a watched folder keeps its timeline). */
  update(report: FamilyReport | DriftReport | undefined, status: ManyModelStatus, message?: string): void {
    if (this.disposed) return;
    const shown = report ?? this.last?.report;
    this.last = { type: 'kc/manyModel', ...(shown ? { report: shown } : {}), status, ...(message ? { message } : {}) };
    if (this.ready) void this.panel.webview.postMessage(this.last);
  }

  reveal(): void {
    if (!this.disposed) this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }

  private receive(raw: unknown): void {
    const parsed = parseFamilyViewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`family panel: ignored a message: ${parsed.error}`);
      return;
    }
    if (parsed.message.type === 'kc/ready') {
      this.ready = true;
      if (this.last) void this.panel.webview.postMessage(this.last);
    } else if (this.last?.report) this.onOpenPair(parsed.message, this.last.report);
  }
}
