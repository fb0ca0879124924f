/** Quick picks shared by the commands: models, layers, probe source, preset. */
import * as vscode from 'vscode';
import { shortLayerNames } from '../../protocol/layer-names';
import type { LayerInfo, PresetName } from '../../protocol/report';
import type { LayerSelection } from '../config';
import type { DiscoveredModel, ModelIndex } from '../discovery/modelIndex';
import type { ModelsNode } from '../sidebar/modelsTree';
import { layerDescription } from '../sidebar/layerPresentation';

/** What a command may receive: an Explorer URI, a Models-tree node, or nothing (palette). */
export type ModelArg = vscode.Uri | ModelsNode | undefined;

export function toUri(arg: ModelArg): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && (arg.kind === 'model' || arg.kind === 'layer')) return arg.model.uri;
  return undefined;
}

interface ModelPick extends vscode.QuickPickItem {
  model: DiscoveredModel;
}

export async function pickModel(
  index: ModelIndex,
  title: string,
  exclude?: vscode.Uri,
): Promise<DiscoveredModel | undefined> {
  const models = (await index.list()).filter((m) => m.uri.toString() !== exclude?.toString());
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      'Knowledge Consistency found no other model files (*.onnx, TF.js model.json) in this workspace.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick<ModelPick>(
    models.map((model) => ({
      label: model.name,
      description: model.format === 'onnx' ? 'ONNX' : 'TF.js',
      detail: model.relativePath,
      iconPath: new vscode.ThemeIcon('circuit-board'),
      model,
    })),
    { title, placeHolder: 'Model file', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.model;
}

/** Several layers; probe points preselected unless `preselect` is false. */
export async function pickLayers(layers: LayerInfo[], title: string, preselect = true): Promise<string[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    layerItems(layers).map((item) => ({ ...item, picked: preselect && item.layer.probePoint })),
    { title, canPickMany: true, placeHolder: 'Layers to compare', matchOnDetail: true },
  );
  return picked?.map((p) => p.layer.name);
}

export async function pickLayer(layers: LayerInfo[], title: string): Promise<LayerInfo | undefined> {
  const picked = await vscode.window.showQuickPick(layerItems(layers), {
    title,
    placeHolder: 'Layer',
    matchOnDetail: true,
  });
  return picked?.layer;
}

export async function pickProbeSource(current: string): Promise<string | undefined> {
  const items: Array<vscode.QuickPickItem & { value?: string }> = [
    { label: 'mnist', description: 'bundled MNIST test images', value: 'mnist' },
    { label: 'synthetic', description: 'noise: only for smoke tests (a warning is shown)', value: 'synthetic' },
    { label: 'Folder of images or .npy file…', value: undefined },
  ];
  for (const item of items) if (item.value === current) item.description = `${item.description} (current)`;
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Probe inputs',
    placeHolder: 'What to feed both models',
  });
  if (!picked) return undefined;
  if (picked.value) return picked.value;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: false,
    filters: { 'NumPy array': ['npy'] },
    title: 'Probe inputs: a folder of images or an .npy file',
  });
  return chosen?.[0]?.fsPath;
}

export async function pickPreset(current: PresetName): Promise<PresetName | undefined> {
  const presets: Array<vscode.QuickPickItem & { value: PresetName }> = [
    { label: 'fast', description: 'fewer epochs, one seed: quick answers while exploring', value: 'fast' },
    {
      label: 'thorough',
      description: 'more epochs, several seeds with their spread: numbers to report',
      value: 'thorough',
    },
  ];
  for (const p of presets) if (p.value === current) p.label = `$(check) ${p.label}`;
  return (await vscode.window.showQuickPick(presets, { title: 'Disentangler preset' }))?.value;
}

export async function pickLayerSelection(current: LayerSelection): Promise<LayerSelection | undefined> {
  const options: Array<vscode.QuickPickItem & { value: LayerSelection }> = [
    { label: 'Probe points', description: 'after non-linearities and block outputs (default)', value: 'probe-points' },
    { label: 'All layers of A', description: 'each paired with its partner in B (slow)', value: 'all' },
    { label: 'Choose layers…', description: 'pick layers of A, and optionally their partners in B', value: 'pick' },
  ];
  for (const o of options) if (o.value === current) o.label = `$(check) ${o.label}`;
  return (await vscode.window.showQuickPick(options, { title: 'Layers to compare' }))?.value;
}

/** Short unique names as labels; the full graph name underneath when it is longer. */
function layerItems(layers: LayerInfo[]): Array<vscode.QuickPickItem & { layer: LayerInfo }> {
  const short = shortLayerNames(layers.map((l) => l.name));
  return layers.map((layer, i) => ({
    label: short[i],
    description: layerDescription(layer),
    detail: short[i] !== layer.name ? layer.name : undefined,
    layer,
  }));
}
