/**
 * Which analysis the inline reports show for a model file, and one change event for all of them: a result arrived
 * or went stale (store), or the reference model changed.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../contracts';
import { modelDisplayName } from '../discovery/modelIndex';
import { modelConsistency, type ModelConsistency } from './consistency';

export const OPEN_PAIR_COMMAND = 'knowledgeConsistency.inline.openPair';

export class ConsistencySource implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: ExtensionServices) {
    this.subscriptions = [
      this.changed,
      // Running analyses change often (every pair); only finished ones are shown, so only their changes count.
      services.store.onDidChange((record) => record.status === 'done' && this.changed.fire()),
      services.reference.onDidChange(() => this.changed.fire()),
    ];
  }

  /** The reference model's path, when it is a local file. */
  referencePath(): string | undefined {
    const ref = this.services.reference.get();
    return ref?.scheme === 'file' ? ref.fsPath : undefined;
  }

  /**
   * The newest finished analysis of this file against the reference model; without one (or for the reference
   * itself), the newest against any model, which the views name.
   */
  forModel(uri: vscode.Uri): ModelConsistency | undefined {
    const modelPath = uri.fsPath;
    const ref = this.referencePath();
    const record = (ref && ref !== modelPath ? this.services.store.latestFor(modelPath, ref) : undefined) ?? this.services.store.latestFor(modelPath);
    if (!record?.report || record.modelA === record.modelB) return undefined;
    return modelConsistency(record, modelPath, (p) => modelDisplayName(vscode.Uri.file(p)));
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

/** A command: URI that opens the drill-down of a pair (for Markdown links in hovers). */
export function openPairUri(recordId: string, layer: string, modelPath: string): string {
  return `command:${OPEN_PAIR_COMMAND}?${encodeURIComponent(JSON.stringify([recordId, modelPath, layer]))}`;
}

/** True for a TF.js model.json (by name; the content decides whether it has layers). */
export function isModelJson(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('/model.json');
}

export function isModelFile(uri: vscode.Uri): boolean {
  return isModelJson(uri) || uri.path.toLowerCase().endsWith('.onnx');
}
