/** Commands on single model files: reference model, reveal, refresh. */
import * as vscode from 'vscode';
import type { ReferenceModel } from '../contracts';
import type { ModelIndex } from '../discovery/modelIndex';
import type { ModelsTreeProvider, ModelsNode } from '../sidebar/modelsTree';
import { pickModel, toUri, type ModelArg } from './pickers';

export function registerModelCommands(
  index: ModelIndex,
  tree: ModelsTreeProvider,
  reference: ReferenceModel,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('knowledgeConsistency.setReferenceModel', async (arg?: ModelArg) => {
      const uri = toUri(arg) ?? (await pickModel(index, 'Set as reference model', undefined, reference.get()))?.uri;
      if (!uri) return undefined;
      await reference.set(uri);
      void vscode.window.setStatusBarMessage(
        `Knowledge Consistency: reference model ${vscode.workspace.asRelativePath(uri)}`,
        4000,
      );
      return uri;
    }),
    vscode.commands.registerCommand('knowledgeConsistency.revealInExplorer', async (node?: ModelsNode) => {
      const uri = toUri(node);
      if (uri) await vscode.commands.executeCommand('revealInExplorer', uri);
    }),
    vscode.commands.registerCommand('knowledgeConsistency.refreshModels', async () => {
      await index.rescan();
      tree.refresh();
      return (await index.list()).map((m) => m.uri);
    }),
  ];
}
