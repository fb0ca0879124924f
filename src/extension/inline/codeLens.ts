/** CodeLenses on a TF.js model.json: a summary above the topology, and each compared layer's numbers above its name. */
import * as vscode from 'vscode';
import { documentLayers } from './documentLayers';
import { lensTitle, staleness, summaryTitle } from './format';
import { OPEN_PAIR_COMMAND, type ConsistencySource } from './source';

export class ConsistencyCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly source: ConsistencySource) {
    this.onDidChangeCodeLenses = source.onDidChange;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const layers = documentLayers(document);
    if (!layers?.entries.length) return [];
    const at = document.positionAt(layers.topologyOffset);
    const top = new vscode.Range(at, at);
    const model = this.source.forModel(document.uri);
    if (!model) {
      return [
        new vscode.CodeLens(top, {
          title: 'Knowledge consistency: no analysis of this model yet · compare with the reference model ▸',
          command: 'knowledgeConsistency.compareWithReference',
          arguments: [document.uri],
        }),
      ];
    }
    const state = staleness(model, document.isDirty);
    const lenses = [
      new vscode.CodeLens(top, {
        title: summaryTitle(model, state),
        command: 'knowledgeConsistency.openAnalysis',
        arguments: [model.record.id],
      }),
    ];
    for (const entry of layers.entries) {
      const layer = model.layers.get(entry.name);
      if (!layer) continue;
      const at = document.positionAt(entry.offset);
      lenses.push(
        new vscode.CodeLens(new vscode.Range(at, at), {
          title: lensTitle(layer, model, state),
          tooltip: `Open the drill-down of ${layer.focus.layerA} ↔ ${layer.focus.layerB} (${layer.direction})`,
          command: OPEN_PAIR_COMMAND,
          arguments: [model.record.id, model.modelPath, layer.layer],
        }),
      );
    }
    return lenses;
  }
}
