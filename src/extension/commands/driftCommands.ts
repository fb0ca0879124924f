/**
 * Track Knowledge Drift on a folder of checkpoints (Explorer folder, or picked): each checkpoint against the final or
 * the previous one, per layer, redrawn as training writes new checkpoints (DriftTracker). One tracker per folder; a
 * watched folder's panel restored after a window reload watches again.
 */
import * as vscode from 'vscode';
import type { DriftAgainst, DriftReport, FamilyReport } from '../../protocol/family';
import { readConfig } from '../config';
import { DriftTracker } from '../family/driftTracker';
import { FamilyPanel } from '../family/familyPanel';
import type { ManyModelOutcome, ManyModelRuns, Narrowing } from '../family/manyModelRuns';
import { registerFamilyPanelRestore, shownRun } from '../family/restore';
import { manyModelOptions } from '../family/options';

export interface DriftCommandDeps {
  runs: ManyModelRuns;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  featureCacheDir(): string;
  openPair(a: string, b: string, layer: string): void;
  /** A family the window reload interrupted runs on in its restored panel (familyCommands.ts familyResumer). */
  resumeFamily(panel: FamilyPanel, report: FamilyReport): void;
}

export function registerDriftCommands(deps: DriftCommandDeps): vscode.Disposable[] {
  const trackers = new Map<string, DriftTracker>();
  const options = (folder: vscode.Uri, against: DriftAgainst) => ({
    ...manyModelOptions(readConfig(folder), deps.featureCacheDir()),
    folder: folder.fsPath,
    against,
  });
  /** Watches `folder` in `panel`; `narrowed`: the probes and layers an earlier run fixed (a restored panel's). */
  const track = (folder: vscode.Uri, against: DriftAgainst, panel: FamilyPanel, narrowed?: Narrowing) => {
    const budget = () => readConfig(folder).budgetSeconds;
    const tracker = new DriftTracker(folder, panel, deps.runs, () => options(folder, against), budget, narrowed);
    trackers.set(folder.toString(), tracker);
    tracker.onDidClose(() => trackers.delete(folder.toString()));
    return tracker.start();
  };
  return [
    { dispose: () => [...trackers.values()].forEach((t) => t.dispose()) },
    // After a window reload: a watched folder's panel watches again, with the probes and layers it showed.
    registerFamilyPanelRestore({
      ...deps,
      resumeDrift: (panel, report) => {
        const folder = vscode.Uri.file(report.folder);
        void track(folder, report.against, panel, shownRun(options(folder, report.against), report));
      },
    }),
    vscode.commands.registerCommand(
      'knowledgeConsistency.trackDrift',
      async (
        arg?: vscode.Uri,
        _uris?: vscode.Uri[],
        against?: DriftAgainst,
      ): Promise<ManyModelOutcome<DriftReport> | undefined> => {
        const folder = arg instanceof vscode.Uri ? arg : await pickFolder();
        if (!folder) return undefined;
        const existing = trackers.get(folder.toString());
        if (existing) {
          existing.panel.reveal();
          return undefined;
        }
        const reference = against ?? (await pickAgainst());
        if (!reference) return undefined;
        const title = `Drift: ${vscode.workspace.asRelativePath(folder)}`;
        return track(folder, reference, FamilyPanel.create(deps.extensionUri, title, deps.openPair, deps.log));
      },
    ),
  ];
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Track Knowledge Drift',
    title: 'A folder of checkpoints (model files, or one per sub-folder)',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

async function pickAgainst(): Promise<DriftAgainst | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Against the previous checkpoint',
        detail: 'How much of what the previous checkpoint knew each one kept. A new checkpoint adds one column.',
        against: 'previous' as const,
      },
      {
        label: 'Against the final checkpoint',
        detail:
          'How much of the final knowledge each checkpoint already holds. While training runs, the newest checkpoint is the final one: each new checkpoint refits every column.',
        against: 'final' as const,
      },
    ],
    { title: 'Track Knowledge Drift: the reference of each checkpoint' },
  );
  return picked?.against;
}
