/**
 * Which analysis the inline reports show for a model file, and one change event for all of them: a result arrived,
 * went stale or was removed (store), a model file was saved, or the reference model changed.
 */
import * as vscode from 'vscode';
import { markdownLinkPart } from '../../engine/report/escape';
import type { AnalysisRecord, ExtensionServices } from '../contracts';
import { hashModelFiles } from '../results/hash';
import { modelConsistency, type ModelConsistency } from './consistency';
import { modelDisplayName } from '../../protocol/names';

export const OPEN_PAIR_COMMAND = 'knowledgeConsistency.inline.openPair';

export class ConsistencySource implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /**
   * Content hashes of model files saved in an editor, until the store has checked them (it re-hashes on the file
   * watcher's event and says so only when a stale flag flips): between a save and that check, a changed file
   * must not show its old numbers as current. undefined = hashing.
   */
  private readonly saved = new Map<string, string | undefined>();

  constructor(private readonly services: ExtensionServices) {
    this.subscriptions = [
      this.changed,
      // Running analyses change often (every pair); only finished ones are shown, so only their changes count.
      services.store.onDidChange((record) => {
        if (record.status !== 'done') return;
        this.saved.delete(record.modelA);
        this.saved.delete(record.modelB);
        this.changed.fire();
      }),
      services.reference.onDidChange(() => this.changed.fire()),
      // A removed analysis disappears too. The ResultsStore contract has no removal event; the disk store has one.
      ...onRemove(services.store, () => this.changed.fire()),
      vscode.workspace.onDidSaveTextDocument(
        (document) => isModelFile(document.uri) && void this.checkSaved(document.uri.fsPath),
      ),
    ];
  }

  private async checkSaved(modelPath: string): Promise<void> {
    this.saved.set(modelPath, undefined);
    this.changed.fire();
    let hash: string;
    try {
      hash = await hashModelFiles(modelPath);
    } catch {
      hash = 'unreadable';
    }
    if (!this.saved.has(modelPath)) return; // the store checked it meanwhile
    this.saved.set(modelPath, hash);
    this.changed.fire();
  }

  /** 'changed' when a saved file's content differs from the analysed one, 'checking' while it is being hashed. */
  private savedState(record: AnalysisRecord): 'changed' | 'checking' | undefined {
    const models = record.report?.models;
    let state: 'checking' | undefined;
    for (const [file, analysed] of [
      [record.modelA, models?.a.sha256],
      [record.modelB, models?.b.sha256],
    ] as const) {
      // Without the analysed hash (reports of other tools) only the store can tell.
      if (!this.saved.has(file) || analysed === undefined) continue;
      const hash = this.saved.get(file);
      if (hash === undefined) state = 'checking';
      else if (hash !== analysed) return 'changed';
    }
    return state;
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
    const record =
      (ref && ref !== modelPath ? this.services.store.latestFor(modelPath, ref) : undefined) ??
      this.services.store.latestFor(modelPath);
    if (!record?.report || record.modelA === record.modelB) return undefined;
    const model = modelConsistency(record, modelPath, modelDisplayName);
    const saved = this.savedState(record);
    if (saved === 'changed') model.stale = true;
    if (saved === 'checking') model.checking = true;
    return model;
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

function onRemove(store: object, listener: () => void): vscode.Disposable[] {
  const event = (store as { onDidRemove?: vscode.Event<string> }).onDidRemove;
  return event ? [event(listener)] : [];
}

/**
 * A command: URI that opens the drill-down of a pair (for Markdown links in hovers). The layer name and path are
 * model text: fully percent-encoded, they cannot end the link early or add one.
 */
export function openPairUri(recordId: string, layer: string, modelPath: string): string {
  return `command:${OPEN_PAIR_COMMAND}?${markdownLinkPart(JSON.stringify([recordId, modelPath, layer]))}`;
}

/** True for a TF.js model.json (by name; the content decides whether it has layers). */
export function isModelJson(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('/model.json');
}

export function isModelFile(uri: vscode.Uri): boolean {
  return isModelJson(uri) || uri.path.toLowerCase().endsWith('.onnx');
}
