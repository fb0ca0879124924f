/**
 * Activation: builds the core services (log, engine worker, model discovery, reference model, results store,
 * compare jobs), the sidebar and the commands, then hands the services to the panel and inline parts.
 * Everything heavy runs in the worker process; nothing here loads a model.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { CompareJobs } from './analysis/compareJobs';
import { buildCompareOptions } from './analysis/options';
import { registerAnalysisCommands } from './commands/analysisCommands';
import { registerCompareCommands } from './commands/compareCommands';
import { registerDriftCommands } from './commands/driftCommands';
import { registerEngineCommands } from './commands/engineCommands';
import { familyResumer, registerFamilyCommands } from './commands/familyCommands';
import { registerModelCommands } from './commands/modelCommands';
import { registerRefineCommands } from './commands/refineCommands';
import { affects, readConfig } from './config';
import type { AnalysisProgress, AnalysisRecord, ExtensionServices } from './contracts';
import { ModelIndex } from './discovery/modelIndex';
import { FitCache } from './family/fitCache';
import { ManyModelRuns, type ManyModelUpdate } from './family/manyModelRuns';
import { registerInlineReports } from './inline';
import { registerPanel } from './panel';
import { WorkspaceReferenceModel } from './reference';
import { DiskResultsStore } from './results/store';
import { AnalysesTreeProvider } from './sidebar/analysesTree';
import { ModelsTreeProvider } from './sidebar/modelsTree';
import { onDidRefuseInRestrictedMode } from './trust';
import { WorkerClient } from './worker/client';
import { pytorchOptionsFor } from './pytorch/options';
import { PickleConsent } from './pytorch/pickleConsent';

/** What activate() returns: enough for the extension-host tests to observe the real services. */
export interface KnowledgeConsistencyApi {
  /** The discovered model files (scans on first call). */
  models(): Promise<vscode.Uri[]>;
  readonly onDidChangeModels: vscode.Event<void>;
  /** The per-pattern cap when the last scan hit it (the Models view says so), else undefined. */
  discoveryCapped(): number | undefined;
  /** The engine worker's process id while one runs. */
  workerPid(): number | undefined;
  analyses(): AnalysisRecord[];
  readonly onDidChangeAnalysis: vscode.Event<AnalysisRecord>;
  readonly onDidProgress: vscode.Event<AnalysisProgress>;
  /** Cancels a running analysis, as the notification's Cancel button does. */
  cancel(id: string): boolean;
  /** Folder of the cached analyses (one JSON file each). */
  readonly resultsDir: string;
  /** The message shown each time Restricted Mode stops something that would run a model file. */
  readonly onDidRefuseInRestrictedMode: vscode.Event<string>;
  /** Each update of a family or drift panel (the report as it grows, then how the run ended). */
  readonly onDidUpdateManyModel: vscode.Event<ManyModelUpdate>;
}

export function activate(context: vscode.ExtensionContext): KnowledgeConsistencyApi {
  const log = vscode.window.createOutputChannel('Knowledge Consistency', { log: true });
  const pickleConsent = new PickleConsent();
  const pytorchOptions = (files: string[]) => pytorchOptionsFor(files, pickleConsent, log);
  const worker = new WorkerClient({
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    log,
    memoryLimitMb: () => readConfig().workerMemoryLimitMb,
    pytorchOptions,
  });
  const cacheRoot = cacheFolder(context);
  const store = new DiskResultsStore(path.join(cacheRoot, 'analyses'), log);
  const index = new ModelIndex(log);
  const reference = new WorkspaceReferenceModel(context.workspaceState);
  const services: ExtensionServices = { store, reference, engine: worker, log };
  const jobs = new CompareJobs(worker, store, () => services.panel, log, pytorchOptions);
  const runs = new ManyModelRuns({
    worker,
    fits: new FitCache(path.join(cacheRoot, 'family-fits.json'), (line) => log.warn(line)),
    log,
    pytorchOptions,
  });
  const featureCacheDir = () => path.join(cacheRoot, 'features');
  const manyModelDeps = {
    runs,
    extensionUri: context.extensionUri,
    log,
    featureCacheDir,
    // A family or drift cell's drill-down: that one layer of both models, in the consistency panel.
    openPair: (a: string, b: string, layer: string) =>
      void jobs.run(
        vscode.Uri.file(a),
        vscode.Uri.file(b),
        buildCompareOptions(
          readConfig(vscode.Uri.file(a)),
          a,
          b,
          { layersA: [layer], layersB: [layer] },
          featureCacheDir(),
        ),
      ),
  };
  const modelsTree = new ModelsTreeProvider(index, worker, reference);
  const analysesTree = new AnalysesTreeProvider(store);

  context.subscriptions.push(
    log,
    { dispose: () => worker.dispose() },
    store,
    index,
    reference,
    jobs,
    modelsTree,
    analysesTree,
    vscode.window.createTreeView('knowledgeConsistency.models', {
      treeDataProvider: modelsTree,
      showCollapseAll: true,
    }),
    vscode.window.createTreeView('knowledgeConsistency.analyses', { treeDataProvider: analysesTree }),
    ...registerEngineCommands(worker, log),
    ...registerRefineCommands(worker, log),
    ...registerModelCommands(index, modelsTree, reference),
    ...registerCompareCommands({
      index,
      reference,
      jobs,
      worker,
      featureCacheDir: () => path.join(cacheRoot, 'features'),
      workspaceState: context.workspaceState,
    }),
    ...registerAnalysisCommands({ store, jobs, index, worker, panel: () => services.panel }),
    runs,
    ...registerFamilyCommands({ ...manyModelDeps, index }),
    ...registerDriftCommands({ ...manyModelDeps, resumeFamily: familyResumer(manyModelDeps) }),
    index.onDidChangeModelFile((uri) => {
      void store.checkStale(uri.fsPath);
      void reference.forgetIfGone(uri);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        affects(event, 'extraModelGlobs', 'discovery.maxFiles') ||
        event.affectsConfiguration('files.exclude') ||
        event.affectsConfiguration('search.exclude')
      ) {
        if (index.scanned) void index.rescan();
      }
      // The worker's heap limit is fixed at its start: the next job gets a fresh one.
      if (affects(event, 'workerMemoryLimitMb')) void worker.restart();
      if (affects(event, 'cacheLocation')) {
        void vscode.window
          .showInformationMessage(
            'Knowledge Consistency: the new cache location applies after the window reloads.',
            'Reload Window',
          )
          .then((choice) => choice && vscode.commands.executeCommand('workbench.action.reloadWindow'));
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (index.scanned) void index.rescan();
    }),
  );
  void store.restore();
  services.panel = registerPanel(context, services);
  registerInlineReports(context, services);
  log.info(
    `activated (${context.extension.packageJSON.version as string}); workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: models are listed, never run'}; cache ${cacheRoot}`,
  );

  return {
    models: async () => (await index.list()).map((m) => m.uri),
    onDidChangeModels: index.onDidChange,
    discoveryCapped: () => index.capped,
    workerPid: () => worker.pid,
    analyses: () => store.all(),
    onDidChangeAnalysis: store.onDidChange,
    onDidProgress: store.onDidProgress,
    cancel: (id) => jobs.cancel(id),
    resultsDir: store.dir,
    onDidRefuseInRestrictedMode,
    onDidUpdateManyModel: runs.onDidUpdate,
  };
}

export function deactivate(): void {
  // Everything, the worker included, is disposed through context.subscriptions.
}

/** Workspace storage (private to VS Code) or a .kc folder in the first workspace folder, per the setting. */
function cacheFolder(context: vscode.ExtensionContext): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (readConfig().cacheLocation === '.kc' && folder?.uri.scheme === 'file') return path.join(folder.uri.fsPath, '.kc');
  return (context.storageUri ?? context.globalStorageUri).fsPath;
}
