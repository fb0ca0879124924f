/** Restricted Mode: model files are listed but never loaded or run until the user trusts the workspace. */
import * as vscode from 'vscode';

/** True when trusted; otherwise says why nothing runs and offers to manage trust. */
export function isTrustedOrExplain(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `Knowledge Consistency does not ${what} in Restricted Mode: it would load and run the model files. Trust this workspace to continue.`,
      'Manage Workspace Trust',
    )
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
