/**
 * Warnings in the Problems panel on the layers of open model.json files whose features the other model explains
 * poorly (explained < knowledgeConsistency.inline.threshold). Stale, unsaved or unchecked results give none: a warning
 * would present old numbers as a current finding.
 */
import * as vscode from 'vscode';
import { SECTION } from '../config';
import { diagnosticMessage } from './format';
import { documentLayers } from './documentLayers';
import { isModelJson, type ConsistencySource } from './source';

export const THRESHOLD_SETTING = 'inline.threshold';

export class ConsistencyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('knowledgeConsistency');
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly source: ConsistencySource) {
    this.subscriptions = [
      this.collection,
      source.onDidChange(() => this.updateAll()),
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.update(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.update(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidChangeConfiguration(
        (e) => e.affectsConfiguration(`${SECTION}.${THRESHOLD_SETTING}`) && this.updateAll(),
      ),
    ];
    this.updateAll();
  }

  private updateAll(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private update(document: vscode.TextDocument): void {
    if (!isModelJson(document.uri)) return;
    const model = this.source.forModel(document.uri);
    if (!model || model.stale || model.checking || document.isDirty) {
      this.collection.delete(document.uri);
      return;
    }
    const threshold = vscode.workspace.getConfiguration(SECTION, document.uri).get<number>(THRESHOLD_SETTING, 0.5);
    const isReference = this.source.referencePath() === model.otherPath;
    const diagnostics: vscode.Diagnostic[] = [];
    for (const entry of documentLayers(document)?.entries ?? []) {
      const layer = model.layers.get(entry.name);
      if (!layer?.explainedHere || !(layer.pair.explained < threshold)) continue;
      const range = new vscode.Range(
        document.positionAt(entry.offset),
        document.positionAt(entry.offset + entry.length),
      );
      const diagnostic = new vscode.Diagnostic(
        range,
        diagnosticMessage(layer, model, isReference, threshold),
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Knowledge Consistency';
      diagnostic.code = 'low-consistency';
      diagnostics.push(diagnostic);
    }
    this.collection.set(document.uri, diagnostics);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
