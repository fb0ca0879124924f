/**
 * The compare wizard of the palette and of the Explorer's Compare…: models A and B, probe inputs, preset, layers and
 * (when layers are picked) the layer pairs in one multi-step quick input (step counter, Back, defaults from the
 * settings and the Explorer's selection), then a last step that says what will run and what it will cost.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { LayerInfo, PresetName } from '../../protocol/report';
import type { KcConfig, LayerSelection } from '../config';
import type { DiscoveredModel, ModelIndex } from '../discovery/modelIndex';
import { FORMAT_NAMES, MODEL_FILES_TEXT } from '../discovery/recognise';
import { autoPairs, editPairs, pairItems, type LayerPairChoice } from './layerPairs';
import { runWizard, type WizardItem, type WizardStep } from './wizard';

export interface CompareSetup {
  a?: vscode.Uri;
  b?: vscode.Uri;
  source: string;
  preset: PresetName;
  layers: LayerSelection;
  /** With layers 'pick': A's layers and each one's partner in B, as the user left them. */
  pairs?: LayerPairChoice[];
}

/** What the wizard asks of the host: the layers of a model, and what a setup would cost (kc/estimate). */
export interface WizardServices {
  listLayers(uri: vscode.Uri): Promise<LayerInfo[]>;
  /** The workspace's text files (nearest model A first) when A or B is a sequence model, else none. */
  textProbes?(a: vscode.Uri, b: vscode.Uri): Promise<vscode.Uri[]>;
  /** One line: "≈ 1 min 20 s · 6 fits on 1000 probes"; rejects with the reason when it cannot be estimated. */
  estimate?(setup: CompareSetup): Promise<string>;
}

const PROBES: Array<WizardItem<string | undefined>> = [
  { label: 'mnist', description: 'bundled MNIST test images', value: 'mnist' },
  { label: 'synthetic', description: 'noise: only for smoke tests (a warning is shown)', value: 'synthetic' },
  { label: '$(folder) Folder of images, .npy file or text file…', value: undefined },
];
const PRESETS: Array<WizardItem<PresetName>> = [
  { label: 'fast', description: 'fewer epochs, one seed: quick answers while exploring', value: 'fast' },
  {
    label: 'thorough',
    description: 'more epochs, several seeds with their spread: numbers to report',
    value: 'thorough',
  },
];
const LAYERS: Array<WizardItem<LayerSelection>> = [
  { label: 'Probe points', description: 'after non-linearities and block outputs (default)', value: 'probe-points' },
  { label: 'All layers of A', description: 'each paired with its partner in B (slow)', value: 'all' },
  { label: 'Choose layer pairs…', description: "A's layers and their partners in B, pre-paired", value: 'pick' },
];
const START = 'start';

export async function compareWizard(
  index: ModelIndex,
  config: KcConfig,
  reference?: vscode.Uri,
  services?: WizardServices,
  start: { a?: vscode.Uri; b?: vscode.Uri } = {},
): Promise<CompareSetup | undefined> {
  const models = await index.list();
  if (models.length < 2) {
    void vscode.window.showInformationMessage(
      `Knowledge Consistency needs two model files in this workspace to compare: ${MODEL_FILES_TEXT}.`,
    );
    return undefined;
  }
  const modelItems = (exclude?: vscode.Uri) =>
    models
      .filter((m) => m.uri.toString() !== exclude?.toString())
      .map((m): WizardItem<vscode.Uri> => modelItem(m, m.uri.toString() === reference?.toString()));
  const current = (items: Array<WizardItem<unknown>>, value: unknown) =>
    items.map((it) => (it.value === value ? { ...it, description: `${it.description ?? ''} (current)`.trim() } : it));
  let texts: Array<WizardItem<string>> = [];
  const steps: Array<WizardStep<CompareSetup>> = [
    modelStep('a', 'The model whose knowledge explains', () => modelItems()),
    modelStep('b', 'The model to compare it with', (s) => modelItems(s.a)),
    {
      title: 'probe inputs',
      placeholder: 'What to feed both models',
      items: async (s) => {
        texts = await textItems(s, services);
        const offered = [...texts, ...PROBES];
        return current([...offered, ...chosenItem(s.source, offered)], s.source);
      },
      // sequence models read texts: the nearest text file is on offer first, unless one is chosen already
      active: (s) => (texts.length && !texts.some((t) => t.value === s.source) ? texts[0].value : s.source),
      apply: async (s, v) => {
        const source = (v as string | undefined) ?? (await pickProbeFile());
        if (source) s.source = source;
        return source !== undefined;
      },
    },
    {
      title: 'disentangler preset',
      placeholder: 'How long to train the disentangler',
      items: (s) => current(PRESETS, s.preset),
      apply: (s, v) => set(s, 'preset', v),
      active: (s) => s.preset,
    },
    {
      title: 'layers to compare',
      placeholder: 'Which layers to compare',
      items: (s) => current(LAYERS, s.layers),
      apply: (s, v) => set(s, 'layers', v),
      active: (s) => s.layers,
    },
    {
      title: 'layer pairs',
      placeholder: "Enter on a pair to change B's partner; the first row compares these pairs",
      skip: (s) => s.layers !== 'pick' || !services,
      items: async (s) => {
        if (!s.pairs || s.pairs.length === 0) s.pairs = await autoPairs(services!, s.a!, s.b!);
        return pairItems(s.pairs, name(s.a), name(s.b));
      },
      active: () => START,
      apply: async (s, v) => {
        if (v === START) return (s.pairs?.length ?? 0) > 0;
        s.pairs = await editPairs(services!, s.a!, s.b!, s.pairs ?? [], v);
        return false;
      },
    },
    {
      title: 'start',
      placeholder: 'Enter to start; Back to change',
      items: async (s) => {
        const layers =
          s.layers === 'pick'
            ? `${s.pairs?.length ?? 0} layer pair${s.pairs?.length === 1 ? '' : 's'}`
            : LAYERS.find((l) => l.value === s.layers)?.label.toLowerCase();
        const cost = services?.estimate
          ? await services.estimate(s).then(
              (line) => `$(watch) ${line}`,
              (error: unknown) => `$(watch) no estimate: ${error instanceof Error ? error.message : String(error)}`,
            )
          : undefined;
        return [
          {
            label: '$(play) Start the comparison',
            description: `${name(s.a)} ↔ ${name(s.b)}`,
            detail: [
              `${config.probe.count} probes from ${s.source} · ${s.preset} preset · ${layers}`,
              cost,
              'runs in the background with progress, cancellable',
            ]
              .filter(Boolean)
              .join(' · '),
            value: START,
          },
        ];
      },
      apply: () => true,
    },
  ];
  return runWizard<CompareSetup>('Compare Knowledge Consistency', steps, {
    a: start.a,
    b: start.b,
    source: config.probe.source,
    preset: config.preset,
    layers: config.defaultLayers,
  });
}

/** The step that picks model A or B: another model than before drops the layer pairs chosen for the old one. */
function modelStep(
  side: 'a' | 'b',
  placeholder: string,
  items: (s: CompareSetup) => Array<WizardItem<vscode.Uri>>,
): WizardStep<CompareSetup> {
  return {
    title: `model ${side.toUpperCase()}`,
    placeholder,
    items,
    apply: (s, v) => {
      if (String(v) !== String(s[side])) s.pairs = undefined;
      return set(s, side, v);
    },
    active: (s) => s[side],
  };
}

function set<K extends keyof CompareSetup>(s: CompareSetup, key: K, value: unknown): boolean {
  s[key] = value as CompareSetup[K];
  return true;
}

function name(uri: vscode.Uri | undefined): string {
  return uri ? vscode.workspace.asRelativePath(uri) : '?';
}

function modelItem(m: DiscoveredModel, isReference: boolean): WizardItem<vscode.Uri> {
  return {
    label: `${isReference ? '$(pinned) ' : ''}${m.name}`,
    description: `${FORMAT_NAMES[m.format]}${isReference ? ' · reference' : ''}`,
    detail: m.relativePath,
    value: m.uri,
  };
}

/** A sequence model's probe is texts: the workspace's text files come first, as the Explorer names them. */
async function textItems(s: CompareSetup, services?: WizardServices): Promise<Array<WizardItem<string>>> {
  if (!s.a || !s.b || !services?.textProbes) return [];
  return (await services.textProbes(s.a, s.b)).map((uri) => ({
    label: `$(file-text) ${vscode.workspace.asRelativePath(uri)}`,
    description: 'texts for the sequence models',
    value: uri.fsPath,
  }));
}

/** A probe chosen before (the settings' source, a file picked on an earlier pass): kept on offer. */
function chosenItem(source: string, offered: Array<WizardItem<unknown>>): Array<WizardItem<string>> {
  if (offered.some((p) => p.value === source)) return [];
  return [{ label: `$(file) ${path.basename(source)}`, description: source, value: source }];
}

async function pickProbeFile(): Promise<string | undefined> {
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: false,
    filters: { 'NumPy array': ['npy'], 'Texts for sequence models (one a line, or JSON lines)': ['txt', 'jsonl'] },
    title: 'Probe inputs: a folder of images, an .npy file, or texts (.txt / .jsonl) for transformer models',
  });
  return chosen?.[0]?.fsPath;
}
