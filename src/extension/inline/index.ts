/**
 * The inline reports part: consistency where the model is. CodeLenses, hovers and diagnostics on TF.js model.json,
 * the Model Overview custom editor (ONNX and model.json), the reference status bar item, and Export… (with the
 * model file as its argument it exports the analysis shown here).
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../contracts';
import { ConsistencyCodeLensProvider } from './codeLens';
import { modelConsistency } from './consistency';
import { ConsistencyDiagnostics } from './diagnostics';
import { ConsistencyHoverProvider } from './hover';
import { registerExportReport } from '../panel/exports';
import { ModelOverviewProvider, OVERVIEW_VIEW_TYPE } from './overviewEditor';
import { ConsistencySource, OPEN_PAIR_COMMAND } from './source';
import { ReferenceStatusBar } from './statusBar';

const MODEL_JSON: vscode.DocumentSelector = { scheme: 'file', pattern: '**/model.json' };

export function registerInlineReports(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const source = new ConsistencySource(services);
  context.subscriptions.push(
    source,
    vscode.languages.registerCodeLensProvider(MODEL_JSON, new ConsistencyCodeLensProvider(source)),
    vscode.languages.registerHoverProvider(MODEL_JSON, new ConsistencyHoverProvider(source)),
    new ConsistencyDiagnostics(source),
    new ReferenceStatusBar(source, services.reference),
    vscode.window.registerCustomEditorProvider(
      OVERVIEW_VIEW_TYPE,
      new ModelOverviewProvider(context.extensionUri, services, source),
      {
        webviewOptions: { retainContextWhenHidden: false },
      },
    ),
    registerExportReport(services, (uri) => source.forModel(uri)?.record),
    vscode.commands.registerCommand('knowledgeConsistency.openModelOverview', async (uri?: vscode.Uri) => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      const target = uri ?? (input instanceof vscode.TabInputText ? input.uri : undefined);
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, OVERVIEW_VIEW_TYPE);
    }),
    // Internal (CodeLens, hover link, overview row): the drill-down of this model's layer in an analysis.
    vscode.commands.registerCommand(OPEN_PAIR_COMMAND, (recordId: string, modelPath: string, layer: string) => {
      const record = services.store.get(recordId);
      if (!record) return undefined;
      const focus = modelConsistency(record, modelPath, (p) => p).layers.get(layer)?.focus;
      if (!services.panel) {
        void vscode.window.showWarningMessage(
          'Knowledge Consistency: the report panel is not available in this build.',
        );
        return undefined;
      }
      services.panel.show(record, focus);
      return focus;
    }),
  );
}
