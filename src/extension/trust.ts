/** Restricted Mode: model files are listed but never loaded or run until the user trusts the workspace. */
import * as vscode from 'vscode';

const refused = new vscode.EventEmitter<string>();
/** Fires with each Restricted Mode message shown; the extension's API passes it on (tests observe the refusal). */
export const onDidRefuseInRestrictedMode = refused.event;

/** True when trusted; otherwise says why nothing runs and offers to manage trust. */
export function isTrustedOrExplain(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const message = `Knowledge Consistency does not ${what} in Restricted Mode: it would load and run the model files. Trust this workspace to continue.`;
  refused.fire(message);
  void vscode.window
    .showWarningMessage(message, 'Manage Workspace Trust')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
