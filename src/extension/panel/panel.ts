/**
 * The one consistency panel: a webview that shows one analysis at a time, kept current from the results store,
 * restored after a reload from the cached result (never recomputed).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AnalysisEvent, AnalysisRecord, ExtensionServices, PairFocus } from '../contracts';
import {
  parseWebviewMessage,
  type ExportFormat,
  type HostMessage,
  type WebviewMessage,
} from '../../protocol/webview.protocol';
import { saveDrawn } from './exports';
import { panelHtml } from './html';
import { hostMessageFor } from './events';
import { HELP_COMMAND } from './help';
import { modelDisplayName, pairTitle } from '../../protocol/names';

/** After a window reload the store reads its cache asynchronously: wait this long for the restored analysis. */
const RESTORE_WAIT_MS = 10_000;
const RESTORE_POLL_MS = 250;

export class ConsistencyPanel implements vscode.Disposable {
  private analysisId?: string;
  private focus?: PairFocus;
  private ready = false;
  /** Whether this webview has been sent the current analysis since it said ready. */
  private sent = false;
  /** An export asked before the webview had the analysis: asked once it has. */
  private pendingExport?: ExportFormat;
  private readonly disposables: vscode.Disposable[] = [];
  private restoreTimer?: ReturnType<typeof setInterval>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly services: ExtensionServices,
    onDispose: () => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = this.html();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'kc.svg');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      services.store.onDidEvent((event) => this.onEvent(event)),
      // A hidden webview is destroyed (no retainContextWhenHidden): it says ready again when shown, and gets everything.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
    );
  }

  /** Shows an analysis (and optionally one pair's drill-down). */
  show(record: AnalysisRecord, focus?: PairFocus): void {
    const changed = record.id !== this.analysisId;
    this.analysisId = record.id;
    this.focus = focus ?? (changed ? undefined : this.focus);
    this.panel.title = titleOf(record);
    if (this.ready) {
      if (changed || !this.sent) this.sendRecord(record);
      else if (focus) this.post({ type: 'kc/focus', focus });
    }
    this.panel.reveal(undefined, false);
  }

  /** The analysis shown, when this panel is the active editor (Export… from its title bar exports it). */
  activeAnalysisId(): string | undefined {
    return this.panel.active ? this.analysisId : undefined;
  }

  /** Export… of PNG or CSV: shows the analysis and asks the webview for what it draws; it answers with kc/export. */
  requestExport(record: AnalysisRecord, format: ExportFormat): void {
    this.pendingExport = format;
    this.show(record);
    if (this.ready && this.sent) this.askPendingExport();
  }

  private askPendingExport(): void {
    if (!this.pendingExport) return;
    this.post({ type: 'kc/requestExport', format: this.pendingExport });
    this.pendingExport = undefined;
  }

  /** Reveal Model A / B in the Explorer, from the editor title's menu. */
  async reveal(which: 'a' | 'b'): Promise<void> {
    const record = this.analysisId ? this.services.store.get(this.analysisId) : undefined;
    if (!record?.modelA) return;
    await vscode.commands.executeCommand(
      'revealInExplorer',
      vscode.Uri.file(which === 'a' ? record.modelA : record.modelB),
    );
  }

  /** After a restore: the analysis the webview's saved state names. */
  restoreFrom(analysisId: string | undefined, focus?: PairFocus): void {
    this.analysisId = analysisId;
    this.focus = focus;
  }

  private onEvent(event: AnalysisEvent): void {
    if (event.record.id !== this.analysisId) return;
    if (event.kind !== 'progress') this.panel.title = titleOf(event.record);
    // Not ready: the webview gets the whole record when it says so.
    if (this.ready) this.post(hostMessageFor(event, this.services.store.plan(event.record.id)));
  }

  private sendRecord(record: AnalysisRecord): void {
    this.post({ type: 'kc/record', record, focus: this.focus });
    this.sent = true;
    this.askPendingExport();
  }

  private post(message: HostMessage): void {
    if (message.type === 'kc/record' && message.record.modelA) {
      const r = message.record;
      message = { ...message, names: { a: modelDisplayName(r.modelA), b: modelDisplayName(r.modelB) } };
    }
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(`panel: ignored a message from the webview: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.services.log.error(`panel: ${parsed.message.type} failed: ${text}`);
      if (parsed.message.type === 'kc/export')
        this.post({ type: 'kc/exportDone', format: parsed.message.format, error: text });
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'kc/ready': {
        // A fresh webview (first open, or reloaded after being hidden): it has nothing, send everything.
        this.ready = true;
        this.sent = false;
        this.analysisId ??= message.analysisId;
        this.sendCurrent();
        return;
      }
      case 'kc/openPair':
        if (message.analysisId === this.analysisId) this.focus = message.focus;
        return;
      case 'kc/refine': {
        const record = this.services.store.get(message.analysisId);
        if (!record) return;
        // A -> B explains B's layer from A's: B is refined with A's knowledge; B -> A the other way round.
        const { layerA, layerB, direction } = message.focus;
        const args =
          direction === 'A->B'
            ? [record.modelA, record.modelB, layerB, layerA]
            : [record.modelB, record.modelA, layerA, layerB];
        await vscode.commands.executeCommand('knowledgeConsistency.refine', ...args);
        return;
      }
      case 'kc/openHelp':
        await vscode.commands.executeCommand(HELP_COMMAND);
        return;
      case 'kc/export': {
        const path = await saveDrawn(message);
        if (path) this.services.log.info(`panel: exported ${message.format} to ${path}`);
        this.post({ type: 'kc/exportDone', format: message.format, path });
        return;
      }
    }
  }

  /** Sends the current analysis; after a window reload the store may still be reading its cache, so wait for it. */
  private sendCurrent(): void {
    clearInterval(this.restoreTimer);
    const id = this.analysisId;
    if (!id) return;
    const found = this.services.store.get(id);
    if (found) {
      this.panel.title = titleOf(found);
      this.sendRecord(found);
      return;
    }
    const started = Date.now();
    this.restoreTimer = setInterval(() => {
      const record = this.services.store.get(id);
      const gaveUp = !record && Date.now() - started > RESTORE_WAIT_MS;
      if (record || gaveUp) clearInterval(this.restoreTimer);
      if (id !== this.analysisId) return;
      if (record) this.sendRecord(record);
      else if (gaveUp) this.post({ type: 'kc/record', record: missingRecord(id) });
    }, RESTORE_POLL_MS);
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('dist', 'webview.js'),
      styleUri: asset('dist', 'webview.css'),
      title: 'Knowledge Consistency',
    });
  }

  dispose(): void {
    clearInterval(this.restoreTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** What the panel shows for an analysis that is gone (removed, or its cache cleared) instead of waiting forever. */
function missingRecord(id: string): AnalysisRecord {
  return {
    id,
    modelA: '',
    modelB: '',
    probe: '',
    preset: '',
    startedAt: '',
    status: 'failed',
    error:
      'this analysis is no longer in the results list (removed, or its cache was cleared). Run the comparison again.',
  };
}

function titleOf(record: AnalysisRecord): string {
  const a = record.report?.models?.a.name ?? modelDisplayName(record.modelA);
  const b = record.report?.models?.b.name ?? modelDisplayName(record.modelB);
  return `${pairTitle(a, b)}${record.status === 'running' ? ' (running)' : record.stale ? ' (stale)' : ''}`;
}
