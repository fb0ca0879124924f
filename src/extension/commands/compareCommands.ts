/** Compare commands: two files from the Explorer, one file against the reference or a picked model, the palette. */
import * as vscode from 'vscode';
import type { CompareJobs } from '../analysis/compareJobs';
import { buildCompareOptions, type CompareChoices } from '../analysis/options';
import { readConfig, type LayerSelection } from '../config';
import type { AnalysisRecord, ReferenceModel } from '../contracts';
import type { ModelIndex } from '../discovery/modelIndex';
import { recogniseModelFile } from '../discovery/recognise';
import { inputOf, probeForModels, workspaceTexts } from '../probeFolder';
import type { WorkerClient } from '../worker/client';
import { formatDuration } from '../../protocol/progress';
import { compareWizard, type CompareSetup, type WizardServices } from './compareWizard';
import { pickLayers, pickModel, toUri, type ModelArg } from './pickers';

export interface CompareCommandDeps {
  index: ModelIndex;
  reference: ReferenceModel;
  jobs: CompareJobs;
  worker: WorkerClient;
  /** Feature cache folder for the engine (a temporary folder under it per job). */
  featureCacheDir(): string;
  /** Where the probe folder picked for models MNIST does not fit is remembered (probeFolder.ts). */
  workspaceState: vscode.Memento;
}

export function registerCompareCommands(deps: CompareCommandDeps): vscode.Disposable[] {
  const { index, reference } = deps;
  const start = (a: vscode.Uri, b: vscode.Uri, choices: CompareChoices = {}, layers?: LayerSelection) =>
    compare(deps, a, b, choices, layers);
  // The wizard: the palette's Compare, and the Explorer's Compare… with the selected files pre-filled.
  const wizard = async (first?: vscode.Uri, second?: vscode.Uri) => {
    const setup = await compareWizard(index, readConfig(first), reference.get(), wizardServices(deps), {
      a: first,
      b: second,
    });
    if (!setup?.a || !setup.b) return undefined;
    return start(setup.a, setup.b, setupChoices(setup), setup.pairs ? undefined : setup.layers);
  };

  return [
    // Explorer (two selected files: `uris`), tree, or palette (nothing: pick everything).
    vscode.commands.registerCommand('knowledgeConsistency.compare', async (arg?: ModelArg, uris?: vscode.Uri[]) => {
      // Three or more files are a family: every one explains every other (a pair would drop the rest unseen).
      if (uris && uris.length > 2)
        return vscode.commands.executeCommand('knowledgeConsistency.compareFamily', arg, uris);
      if (uris && uris.length === 2) return start(uris[0], uris[1]);
      const first = toUri(arg);
      if (first) {
        const second = (await pickModel(index, 'Compare Knowledge Consistency: model B', first))?.uri;
        return second ? start(first, second) : undefined;
      }
      // The palette: one wizard for both models and the run's choices.
      return wizard();
    }),
    // Explorer and Models view: Compare… opens the wizard on the selected file(s); Compare Knowledge Consistency
    // (two files) stays the quick one.
    vscode.commands.registerCommand(
      'knowledgeConsistency.compareSetup',
      async (arg?: ModelArg, uris?: vscode.Uri[]) => {
        if (uris && uris.length > 2)
          return vscode.commands.executeCommand('knowledgeConsistency.compareFamily', arg, uris);
        const [first, second] = uris && uris.length >= 2 ? uris : [toUri(arg)];
        return wizard(first, second);
      },
    ),
    vscode.commands.registerCommand('knowledgeConsistency.compareWithReference', async (arg?: ModelArg) => {
      let ref = reference.get();
      if (!ref) {
        ref = (await pickModel(index, 'No reference model yet: pick one', toUri(arg)))?.uri;
        if (!ref) return undefined;
        await reference.set(ref);
      }
      const uri = toUri(arg) ?? (await pickModel(index, 'Compare with the reference model', ref, ref))?.uri;
      if (!uri) return undefined;
      if (uri.toString() === ref.toString()) {
        void vscode.window.showInformationMessage(
          'Knowledge Consistency: this is the reference model; pick another one to compare.',
        );
        return undefined;
      }
      return start(uri, ref);
    }),
    vscode.commands.registerCommand('knowledgeConsistency.compareWith', async (arg?: ModelArg) => {
      const uri = toUri(arg) ?? (await pickModel(index, 'Compare: first model'))?.uri;
      if (!uri) return undefined;
      const other = (await pickModel(index, `Compare ${vscode.workspace.asRelativePath(uri)} with…`, uri))?.uri;
      return other ? start(uri, other) : undefined;
    }),
  ];
}

/** The wizard's choices as a run's: the probe and preset, and the layer pairs when the user chose them. */
function setupChoices(setup: CompareSetup): CompareChoices {
  const choices: CompareChoices = { probe: { source: setup.source }, preset: setup.preset };
  return setup.pairs?.length
    ? { ...choices, layersA: setup.pairs.map((p) => p.a), layersB: setup.pairs.map((p) => p.b) }
    : choices;
}

/** What the wizard asks of the worker: layer lists, and the cost of a setup (kc/estimate, nothing runs). */
function wizardServices(deps: CompareCommandDeps): WizardServices {
  const listLayers = (uri: vscode.Uri) => deps.worker.listLayers(uri.fsPath);
  const describe = { describeModel: (file: string) => deps.worker.describeModel(file) };
  return {
    listLayers,
    async textProbes(a, b) {
      if (!vscode.workspace.isTrusted) return [];
      const inputs = await Promise.all([a, b].map((uri) => inputOf(describe, uri.fsPath)));
      return inputs.some((input) => input?.sequence) ? workspaceTexts(a) : [];
    },
    async estimate(setup) {
      if (!setup.a || !setup.b || !vscode.workspace.isTrusted) throw new Error('the workspace is not trusted');
      let choices = setupChoices(setup);
      if (setup.layers === 'all') choices = { ...choices, layersA: (await listLayers(setup.a)).map((l) => l.name) };
      const options = buildCompareOptions(
        readConfig(setup.a),
        setup.a.fsPath,
        setup.b.fsPath,
        choices,
        deps.featureCacheDir(),
      );
      const { asked } = await deps.worker.estimate(options);
      return `≈ ${formatDuration(asked.totalSeconds)} · ${asked.fits.length} fit${asked.fits.length === 1 ? '' : 's'} on ${asked.probes} probes`;
    },
  };
}

/** `layers` overrides the defaultLayers setting for this run (the palette asks). */
async function compare(
  deps: CompareCommandDeps,
  a: vscode.Uri,
  b: vscode.Uri,
  choices: CompareChoices,
  layerSelection?: LayerSelection,
): Promise<AnalysisRecord | undefined> {
  // The Explorer menu checks only the right-clicked file; say which other one is not a model before anything runs.
  for (const uri of [a, b]) {
    if (!(await recogniseModelFile(uri))) {
      void vscode.window.showErrorMessage(
        `Knowledge Consistency: ${vscode.workspace.asRelativePath(uri)} is not a model file: compare ONNX files (*.onnx), TF.js models (model.json) or PyTorch models (*.pt, *.pth, *.pt2).`,
      );
      return undefined;
    }
  }
  const config = readConfig(a);
  const source = await probeForModels(
    { state: deps.workspaceState, describeModel: (file) => deps.worker.describeModel(file) },
    [a, b],
    choices.probe?.source ?? config.probe.source,
  );
  if (source === undefined) return undefined;
  choices = { ...choices, probe: { ...choices.probe, source } };
  const selection = layerSelection ?? config.defaultLayers;
  if (!choices.layersA && selection !== 'probe-points' && vscode.workspace.isTrusted) {
    const layers = await chooseLayers(deps.worker, a, b, selection === 'pick');
    if (!layers) return undefined;
    choices = { ...choices, ...layers };
  }
  return deps.jobs.run(a, b, buildCompareOptions(config, a.fsPath, b.fsPath, choices, deps.featureCacheDir()));
}

/**
 * 'all': every layer of A, each paired with its partner in B (same name, else nearest relative depth).
 * 'pick': the user's layers of A, and optionally as many of B to pair with in order.
 */
async function chooseLayers(
  worker: WorkerClient,
  a: vscode.Uri,
  b: vscode.Uri,
  pick: boolean,
): Promise<Pick<CompareChoices, 'layersA' | 'layersB'> | undefined> {
  try {
    const layersA = await worker.listLayers(a.fsPath);
    if (!pick) return { layersA: layersA.map((l) => l.name) };
    const pickedA = await pickLayers(layersA, `Layers of A (${vscode.workspace.asRelativePath(a)})`);
    if (!pickedA?.length) return undefined;
    const pickedB = await pickLayers(
      await worker.listLayers(b.fsPath),
      `Partners in B, in order (${pickedA.length}), or none to pair automatically`,
      false,
    );
    if (pickedB === undefined) return undefined;
    if (pickedB.length > 0 && pickedB.length !== pickedA.length) {
      void vscode.window.showWarningMessage(
        `Knowledge Consistency: picked ${pickedA.length} layers of A and ${pickedB.length} of B; pick as many of B (they pair in order) or none.`,
      );
      return undefined;
    }
    return pickedB.length ? { layersA: pickedA, layersB: pickedB } : { layersA: pickedA };
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Knowledge Consistency: could not list layers: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
