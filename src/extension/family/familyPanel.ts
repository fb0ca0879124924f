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
} from '../../protocol/family-view.protocol';
import { webviewDocument } from '../webviewHtml';

/** Opens a cell's pair drill-down: model `a`'s layer explaining model `b`'s, in the consistency panel. */
export type OpenPair = (a: string, b: string, layer: string) => void;

export class FamilyPanel implements vscode.Disposable {
  private last?: FamilyHostMessage;
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  /** A new panel in the active column. */
  static create(
    extensionUri: vscode.Uri,
    title: string,
    openPair: OpenPair,
    log: vscode.LogOutputChannel,
  ): FamilyPanel {
    const panel = vscode.window.createWebviewPanel(FAMILY_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    return new FamilyPanel(panel, extensionUri, openPair, log);
  }

  /** `panel`: a new one (create), or one VS Code restores after a window reload (restore.ts). */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly openPair: OpenPair,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'kc.svg');
    const webview = this.panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
    webview.html = webviewDocument({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('webview-family.js'),
      styleUri: asset('webview-family.css'),
      title: panel.title,
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
    } else if (this.last?.report) {
      const { report } = this.last;
      const refs = report.kind === 'family' ? report.models : report.checkpoints;
      const { source, target, layer } = parsed.message;
      if (refs[source] && refs[target]) this.openPair(refs[source].path, refs[target].path, layer);
    }
  }
}
