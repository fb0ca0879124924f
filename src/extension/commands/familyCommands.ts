/**
 * Compare as a Family: three or more models (Explorer multi-select, or picked in the palette), every one explaining
 * every other, layer by layer, in a family panel; a cell opens that pair's drill-down in the consistency panel.
 */
import * as vscode from 'vscode';
import type { FamilyReport } from '../../protocol/family';
import { readConfig } from '../config';
import type { ModelIndex } from '../discovery/modelIndex';
import { recogniseModelFile } from '../discovery/recognise';
import { FamilyPanel } from '../family/familyPanel';
import type { ManyModelOutcome, ManyModelRuns } from '../family/manyModelRuns';
import { manyModelOptions } from '../family/options';
import { shownRun } from '../family/restore';
import { toUri, type ModelArg } from './pickers';

export interface FamilyCommandDeps {
  index: ModelIndex;
  runs: ManyModelRuns;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  featureCacheDir(): string;
  /** The pair drill-down of one cell: model a's layer explaining model b's, in the consistency panel. */
  openPair(a: string, b: string, layer: string): void;
}

export function registerFamilyCommands(deps: FamilyCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      'knowledgeConsistency.compareFamily',
      async (arg?: ModelArg, uris?: vscode.Uri[]): Promise<ManyModelOutcome<FamilyReport> | undefined> => {
        const models = uris && uris.length >= 2 ? uris : await pickFamily(deps.index, toUri(arg));
        if (!models) return undefined;
        if (models.length < 3) {
          void vscode.window.showWarningMessage(
            `Knowledge Consistency: a family needs three or more models (${models.length} selected); for two, use Compare Knowledge Consistency.`,
          );
          return undefined;
        }
        for (const uri of models) {
          if (!(await recogniseModelFile(uri))) {
            void vscode.window.showErrorMessage(
              `Knowledge Consistency: ${vscode.workspace.asRelativePath(uri)} is not a model file: a family takes ONNX files, TF.js models (model.json) or PyTorch models (*.pt, *.pth, *.pt2).`,
            );
            return undefined;
          }
        }
        const panel = FamilyPanel.create(deps.extensionUri, `Family: ${models.length} models`, deps.openPair, deps.log);
        const config = readConfig(models[0]);
        const options = manyModelOptions(config, deps.featureCacheDir());
        return deps.runs.family({ ...options, models: models.map((m) => m.fsPath) }, panel, config.budgetSeconds);
      },
    ),
  ];
}

/**
 * A family the window reload interrupted, run on in its restored panel with the models, probes and layers it showed
 * (a budget's choice already made): the fit cache hands back every fit that finished.
 */
export function familyResumer(
  deps: Omit<FamilyCommandDeps, 'index'>,
): (panel: FamilyPanel, report: FamilyReport) => void {
  return (panel, report) => {
    const models = report.models.map((m) => m.path);
    const options = manyModelOptions(readConfig(vscode.Uri.file(models[0])), deps.featureCacheDir());
    panel.update(report, 'running', 'resuming after the window reload…');
    void deps.runs.family({ ...options, ...shownRun(options, report), models }, panel);
  };
}

/** The palette: pick the members among the workspace's models (the right-clicked one preselected). */
async function pickFamily(index: ModelIndex, first?: vscode.Uri): Promise<vscode.Uri[] | undefined> {
  const models = await index.list();
  const picked = await vscode.window.showQuickPick(
    models.map((model) => ({
      label: model.name,
      detail: model.relativePath,
      picked: model.uri.toString() === first?.toString(),
      model,
    })),
    { title: 'Compare as a Family: three or more models', canPickMany: true, matchOnDetail: true },
  );
  return picked?.map((p) => p.model.uri);
}
