/**
 * Family and drift panels after a window reload: VS Code hands each one back with the webview's saved state (the last
 * report it drew: webview/family/main.ts). A finished family is drawn again as it was, never recomputed; one the reload
 * interrupted runs on, and a drift panel watches its folder again (their cells come from the fit cache: nothing is
 * fitted twice).
 */
import * as vscode from 'vscode';
import type { DriftReport, FamilyReport, ManyModelOptions } from '../../protocol/family';
import { FAMILY_VIEW_TYPE, isFamilyHostMessage } from '../../protocol/family-view.protocol';
import { FamilyPanel, type OpenPair } from './familyPanel';

export interface RestoreDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  openPair: OpenPair;
  /** Watches the drift report's folder again in the restored panel. */
  resumeDrift(panel: FamilyPanel, report: DriftReport): void;
  /** Runs an unfinished family again in the restored panel: its finished fits come from the fit cache. */
  resumeFamily(panel: FamilyPanel, report: FamilyReport): void;
}

/** The probes and layers a restored report showed, over the options a run would take now: what runs on keeps them (a
 * budget's choice already made), so the fit cache finds its fits. */
export function shownRun(
  options: ManyModelOptions,
  report: FamilyReport | DriftReport,
): Pick<ManyModelOptions, 'probe' | 'layers'> {
  return { probe: { ...options.probe, count: report.probe.count }, layers: report.layers };
}

export function registerFamilyPanelRestore(deps: RestoreDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(FAMILY_VIEW_TYPE, {
    async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
      const panel = new FamilyPanel(webviewPanel, deps.extensionUri, deps.openPair, deps.log);
      const saved = isFamilyHostMessage(state) ? state : undefined;
      const report = saved?.report;
      if (!saved || (report?.kind !== 'family' && report?.kind !== 'drift')) {
        panel.update(undefined, 'cancelled', 'the window was reloaded before the first fit finished: run it again');
        return;
      }
      // A run whose every planned fit had finished was done, whatever the last saved status said.
      const finished =
        saved.status === 'running' && report.planned !== undefined && report.fits.length >= report.planned;
      panel.update(report, finished ? 'done' : saved.status, finished ? undefined : saved.message);
      // A drift panel's folder was watched until the reload, whatever its last pass did.
      if (report.kind === 'drift') deps.resumeDrift(panel, report);
      else if (saved.status === 'running' && !finished) deps.resumeFamily(panel, report);
    },
  });
}
