/** Commands on analyses: reopen one in the panel, remove one, open the report of one layer. */
import * as vscode from 'vscode';
import type { LayerInfo } from '../../protocol/report';
import type { CompareJobs } from '../analysis/compareJobs';
import type { AnalysisRecord, PairFocus, PanelController } from '../contracts';
import type { ModelIndex } from '../discovery/modelIndex';
import type { DiskResultsStore } from '../results/store';
import type { ModelsNode } from '../sidebar/modelsTree';
import { isTrustedOrExplain } from '../trust';
import type { WorkerClient } from '../worker/client';
import { pickLayer, pickModel } from './pickers';
import { analysisTitle, modelDisplayName } from '../../protocol/names';

export interface AnalysisCommandDeps {
  store: DiskResultsStore;
  jobs: CompareJobs;
  index: ModelIndex;
  worker: WorkerClient;
  panel(): PanelController | undefined;
}

export function registerAnalysisCommands(deps: AnalysisCommandDeps): vscode.Disposable[] {
  const { store, jobs } = deps;
  return [
    vscode.commands.registerCommand('knowledgeConsistency.openAnalysis', async (arg?: string | AnalysisRecord) => {
      const id = typeof arg === 'string' ? arg : arg?.id;
      const record = id ? store.get(id) : await pickAnalysis(store);
      if (!record) return undefined;
      return show(deps, record) ? record : undefined;
    }),
    vscode.commands.registerCommand('knowledgeConsistency.removeAnalysis', async (arg?: string | AnalysisRecord) => {
      const id = typeof arg === 'string' ? arg : arg?.id;
      if (!id) return;
      jobs.cancel(id);
      await store.remove(id);
    }),
    vscode.commands.registerCommand('knowledgeConsistency.openLayerReport', async (node?: ModelsNode) => {
      const target = node?.kind === 'layer' ? { uri: node.model.uri, layer: node.layer } : await pickModelLayer(deps);
      if (!target) return undefined;
      const record = store.latestFor(target.uri.fsPath);
      if (!record) {
        const choice = await vscode.window.showInformationMessage(
          `No analysis of ${modelDisplayName(target.uri.path)} yet: compare it with another model first.`,
          'Compare with…',
        );
        if (choice) await vscode.commands.executeCommand('knowledgeConsistency.compareWith', target.uri);
        return undefined;
      }
      const focus = focusFor(record, target.uri.fsPath, target.layer.name);
      if (!focus)
        void vscode.window.setStatusBarMessage(
          `Knowledge Consistency: ${target.layer.name} was not among the compared layers`,
          5000,
        );
      return show(deps, record, focus) ? record : undefined;
    }),
  ];
}

function show(deps: AnalysisCommandDeps, record: AnalysisRecord, focus?: PairFocus): boolean {
  const panel = deps.panel();
  if (!panel) {
    void vscode.window.showWarningMessage('Knowledge Consistency: the report panel is not available in this build.');
    return false;
  }
  panel.show(record, focus);
  return true;
}

/** The pair (A->B preferred) in which this model's layer took part. */
export function focusFor(record: AnalysisRecord, modelPath: string, layer: string): PairFocus | undefined {
  const side = record.modelA === modelPath ? 'layerA' : 'layerB';
  const pairs = (record.report?.pairs ?? []).filter((p) => p[side] === layer);
  const pair = pairs.find((p) => p.direction === 'A->B') ?? pairs[0];
  return pair && { layerA: pair.layerA, layerB: pair.layerB, direction: pair.direction };
}

async function pickAnalysis(store: DiskResultsStore): Promise<AnalysisRecord | undefined> {
  const items = store.all().map((record) => ({
    label: analysisTitle(record.modelA, record.modelB),
    description: `${record.probe} · ${record.preset} · ${record.status}${record.stale ? ' · stale' : ''}`,
    detail: new Date(record.startedAt).toLocaleString(),
    record,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      'Knowledge Consistency: no analyses yet. Select two model files in the Explorer and choose Compare Knowledge Consistency.',
    );
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: 'Open analysis' }))?.record;
}

async function pickModelLayer(deps: AnalysisCommandDeps): Promise<{ uri: vscode.Uri; layer: LayerInfo } | undefined> {
  if (!isTrustedOrExplain('list layers')) return undefined;
  const model = await pickModel(deps.index, 'Open layer report: model');
  if (!model) return undefined;
  const layer = await pickLayer(
    await deps.worker.listLayers(model.uri.fsPath),
    `Open layer report: layer of ${model.name}`,
  );
  return layer && { uri: model.uri, layer };
}
