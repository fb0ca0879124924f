/**
 * "Model Overview": a read-only custom editor for ONNX files and TF.js model.json (an option in Open With, never
 * the default) showing the layer table from the engine with consistency columns; re-rendered when a result
 * arrives, goes stale, or the reference changes.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../contracts';
import type { LayerInfo } from '../../protocol/report';
import { overviewHtml } from './overviewHtml';
import { OPEN_PAIR_COMMAND, type ConsistencySource } from './source';
import { modelDisplayName } from '../../protocol/names';

export const OVERVIEW_VIEW_TYPE = 'knowledgeConsistency.modelOverview';

type OverviewMessage = { type: 'openPair'; layer: string } | { type: 'compare' } | { type: 'openAnalysis' };

export class ModelOverviewProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: ExtensionServices,
    private readonly source: ConsistencySource,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(
    document: vscode.CustomDocument,
    panel: vscode.WebviewPanel,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media', 'overview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    const uri = document.uri;
    let layers: LayerInfo[] | undefined;
    let error: string | undefined;
    const render = () => {
      const ref = this.services.reference.get();
      panel.webview.html = overviewHtml({
        cspSource: panel.webview.cspSource,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'overview.js')).toString(),
        styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'overview.css')).toString(),
        modelName: modelDisplayName(uri.path),
        modelPath: vscode.workspace.asRelativePath(uri),
        layers,
        error,
        model: this.source.forModel(uri),
        referenceName: ref && modelDisplayName(ref.path),
      });
    };
    const listLayers = async () => {
      if (!vscode.workspace.isTrusted) {
        error = 'Restricted Mode: the layers are listed once the workspace is trusted (listing loads the model).';
        return render();
      }
      try {
        layers = await this.services.engine.listLayers(uri.fsPath, token);
        error = undefined;
      } catch (e) {
        error = `Could not list the layers: ${e instanceof Error ? e.message : String(e)}`;
      }
      render();
    };
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.split('/').pop()!),
    );
    const subscriptions = [
      this.source.onDidChange(render),
      watcher,
      watcher.onDidChange(() => void listLayers()),
      panel.webview.onDidReceiveMessage((message: OverviewMessage) => this.onMessage(uri, message)),
    ];
    panel.onDidDispose(() => subscriptions.forEach((s) => s.dispose()));
    render();
    await listLayers();
  }

  private onMessage(uri: vscode.Uri, message: OverviewMessage): void {
    const model = this.source.forModel(uri);
    if (message.type === 'openPair' && model)
      void vscode.commands.executeCommand(OPEN_PAIR_COMMAND, model.record.id, model.modelPath, message.layer);
    if (message.type === 'openAnalysis' && model)
      void vscode.commands.executeCommand('knowledgeConsistency.openAnalysis', model.record.id);
    if (message.type === 'compare')
      void vscode.commands.executeCommand('knowledgeConsistency.compareWithReference', uri);
  }
}
