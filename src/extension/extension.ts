/**
 * Activation: builds the core services (log, engine worker, model discovery, reference model), the sidebar and the
 * commands. Everything heavy runs in the worker process; nothing here loads a model.
 */
import * as vscode from 'vscode';
import { affects, readConfig } from './config';
import { registerEngineCommands } from './commands/engineCommands';
import { registerModelCommands } from './commands/modelCommands';
import { ModelIndex } from './discovery/modelIndex';
import { WorkspaceReferenceModel } from './reference';
import { ModelsTreeProvider } from './sidebar/modelsTree';
import { WorkerClient } from './worker/client';

export interface KnowledgeConsistencyApi {
  /** The discovered model files (scans on first call). */
  models(): Promise<vscode.Uri[]>;
  /** The engine worker's process id while one runs. */
  workerPid(): number | undefined;
}

export function activate(context: vscode.ExtensionContext): KnowledgeConsistencyApi {
  const log = vscode.window.createOutputChannel('Knowledge Consistency', { log: true });
  const worker = new WorkerClient({
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    log,
    memoryLimitMb: () => readConfig().workerMemoryLimitMb,
    env: () => ({ KC_COMPUTE_BACKEND: readConfig().computeBackend }),
  });
  const index = new ModelIndex(log);
  const reference = new WorkspaceReferenceModel(context.workspaceState);
  const modelsTree = new ModelsTreeProvider(index, worker, reference);

  context.subscriptions.push(
    log,
    { dispose: () => worker.dispose() },
    index,
    reference,
    modelsTree,
    vscode.window.createTreeView('knowledgeConsistency.models', { treeDataProvider: modelsTree, showCollapseAll: true }),
    ...registerEngineCommands(worker, log),
    ...registerModelCommands(index, modelsTree, reference),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affects(event, 'extraModelGlobs', 'discovery.maxFiles') || event.affectsConfiguration('files.exclude') || event.affectsConfiguration('search.exclude')) {
        if (index.scanned) void index.rescan();
      }
      // The worker's heap limit and backend are fixed at its start: the next job gets a fresh one.
      if (affects(event, 'workerMemoryLimitMb', 'computeBackend')) void worker.restart();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (index.scanned) void index.rescan();
    }),
  );
  log.info(`activated (${context.extension.packageJSON.version as string}); workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: models are listed, never run'}`);

  return {
    models: async () => (await index.list()).map((m) => m.uri),
    workerPid: () => worker.pid,
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the worker.
}
