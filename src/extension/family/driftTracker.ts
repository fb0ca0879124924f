/**
 * Track Knowledge Drift: a folder of checkpoints analysed now and again whenever training writes another one. A
 * FileSystemWatcher sees the folder; once it has been quiet for SETTLE_MS (a checkpoint is written in pieces) the
 * drift runs again, reusing every finished fit (FitCache), so only the new checkpoint's cells are fitted. Closing the
 * panel stops the tracking.
 */
import * as vscode from 'vscode';
import type { DriftOptions, DriftReport } from '../../protocol/family';
import type { FamilyPanel } from './familyPanel';
import type { ManyModelOutcome, ManyModelRuns, Narrowing } from './manyModelRuns';

/** Quiet time after the last file event before a rerun. */
export const SETTLE_MS = 1500;
/** What a checkpoint may be written as: model files and the weight shards of a TF.js model. */
const CHECKPOINT_FILE = /\.(onnx|json|bin|pt|pth|pt2)$/i;

export class DriftTracker implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<unknown>;
  private again = false;
  private disposed = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly folder: vscode.Uri,
    readonly panel: FamilyPanel,
    private readonly runs: ManyModelRuns,
    /** Read at each run, so changed settings apply to the next checkpoint. */
    private readonly options: () => DriftOptions,
    /** The time budget the first estimated pass is held to (knowledgeConsistency.budget). */
    private readonly budgetSeconds: () => number | undefined,
    /** What the budget's choice fixed (probes, layers), once a pass was estimated: checkpoints stay comparable. */
    private narrowed?: Narrowing,
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const changed = (uri: vscode.Uri) => {
      if (CHECKPOINT_FILE.test(uri.path)) this.schedule();
    };
    this.watcher.onDidCreate(changed);
    this.watcher.onDidChange(changed);
    this.watcher.onDidDelete(changed);
    panel.onDidClose(() => this.dispose());
  }

  /** The first pass; later passes follow the folder. */
  start(): Promise<ManyModelOutcome<DriftReport> | undefined> {
    const first = this.pass();
    this.running = first.finally(() => this.next());
    return first;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.watcher.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }

  private schedule(): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) this.again = true;
      else this.running = this.pass().finally(() => this.next());
    }, SETTLE_MS);
  }

  private next(): void {
    this.running = undefined;
    if (this.again && !this.disposed) {
      this.again = false;
      this.running = this.pass().finally(() => this.next());
    }
  }

  /** Until a pass has been estimated against the budget, each pass asks; then every pass keeps what was chosen. */
  private async pass(): Promise<ManyModelOutcome<DriftReport> | undefined> {
    const outcome = await this.runs.drift(
      { ...this.options(), ...this.narrowed },
      this.panel,
      `watching ${vscode.workspace.asRelativePath(this.folder)} for new checkpoints`,
      this.narrowed ? undefined : this.budgetSeconds(),
    );
    if (outcome?.narrowed) this.narrowed = outcome.narrowed;
    return outcome;
  }
}
