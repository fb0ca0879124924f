/** The reference model: one per workspace, remembered in workspace state, mirrored in a context key for menus. */
import * as vscode from 'vscode';
import type { ReferenceModel } from './contracts';

const STATE_KEY = 'knowledgeConsistency.referenceModel';
const CONTEXT_KEY = 'knowledgeConsistency.hasReference';

export class WorkspaceReferenceModel implements ReferenceModel, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, this.get() !== undefined);
  }

  get(): vscode.Uri | undefined {
    const stored = this.state.get<string>(STATE_KEY);
    return stored ? vscode.Uri.parse(stored) : undefined;
  }

  async set(uri: vscode.Uri | undefined): Promise<void> {
    await this.state.update(STATE_KEY, uri?.toString());
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, uri !== undefined);
    this.changed.fire(uri);
  }

  /** Forgets the reference when its file is gone (deleted or renamed away). */
  async forgetIfGone(uri: vscode.Uri): Promise<void> {
    if (this.get()?.toString() !== uri.toString()) return;
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await this.set(undefined);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
