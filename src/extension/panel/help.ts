/** knowledgeConsistency.explainNumbers: the help page on every number (media/help/numbers.md) in the Markdown preview. */
import * as vscode from 'vscode';

export const HELP_COMMAND = 'knowledgeConsistency.explainNumbers';

export function registerHelp(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(HELP_COMMAND, async () => {
    const page = vscode.Uri.joinPath(extensionUri, 'media', 'help', 'numbers.md');
    await vscode.commands.executeCommand('markdown.showPreview', page);
    return page;
  });
}
