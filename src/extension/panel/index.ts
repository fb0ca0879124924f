/**
 * The consistency panel part: `registerPanel(context, services)` gives the core a PanelController, and restores
 * the panel after a window reload from the cached analysis (registerWebviewPanelSerializer; never recomputed).
 */
import * as vscode from 'vscode';
import type { AnalysisRecord, ExtensionServices, PairFocus, PanelController } from '../contracts';
import { isPairFocus, PANEL_VIEW_TYPE, type ExportFormat, type PanelViewState } from '../../protocol/webview.protocol';
import { registerHelp } from './help';
import { ConsistencyPanel, webviewOptions } from './panel';

export function registerPanel(context: vscode.ExtensionContext, services: ExtensionServices): PanelController {
  let current: ConsistencyPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel): ConsistencyPanel => {
    current = new ConsistencyPanel(panel, context.extensionUri, services, () => {
      current = undefined;
    });
    return current;
  };

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const s = (typeof state === 'object' && state !== null ? state : {}) as PanelViewState;
        current?.panel.dispose();
        adopt(panel).restoreFrom(
          typeof s.analysisId === 'string' ? s.analysisId : undefined,
          isPairFocus(s.focus) ? s.focus : undefined,
        );
      },
    }),
    { dispose: () => current?.panel.dispose() },
    registerHelp(context.extensionUri),
    // The panel's actions, as codicon buttons in its editor title bar (package.json: editor/title menus); its
    // Export… is knowledgeConsistency.exportReport (./exports.ts), the same everywhere.
    vscode.commands.registerCommand('knowledgeConsistency.panel.revealA', () => current?.reveal('a')),
    vscode.commands.registerCommand('knowledgeConsistency.panel.revealB', () => current?.reveal('b')),
  );

  const open = (): ConsistencyPanel =>
    current ??
    adopt(
      vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        'Knowledge Consistency',
        vscode.ViewColumn.Active,
        webviewOptions(context.extensionUri),
      ),
    );
  return {
    show: (record: AnalysisRecord, focus?: PairFocus) => open().show(record, focus),
    activeAnalysisId: () => current?.activeAnalysisId(),
    requestExport: (record: AnalysisRecord, format: ExportFormat) => open().requestExport(record, format),
  };
}
