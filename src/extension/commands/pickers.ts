/** Quick picks shared by the commands: models and layers (the palette's compare setup is compareWizard.ts). */
import * as vscode from 'vscode';
import { shortLayerNames } from '../../protocol/layer-names';
import type { LayerInfo } from '../../protocol/report';
import type { DiscoveredModel, ModelIndex } from '../discovery/modelIndex';
import { FORMAT_NAMES, MODEL_FILES_TEXT } from '../discovery/recognise';
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

/** A model of the workspace other than `exclude` (the file itself); the current `reference` is marked. */
export async function pickModel(
  index: ModelIndex,
  title: string,
  exclude?: vscode.Uri,
  reference?: vscode.Uri,
): Promise<DiscoveredModel | undefined> {
  const models = (await index.list()).filter((m) => m.uri.toString() !== exclude?.toString());
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      `Knowledge Consistency found no other model files in this workspace: ${MODEL_FILES_TEXT}.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick<ModelPick>(
    models.map((model) => {
      const isReference = model.uri.toString() === reference?.toString();
      return {
        label: model.name,
        description: `${FORMAT_NAMES[model.format]}${isReference ? ' · current reference' : ''}`,
        detail: model.relativePath,
        iconPath: new vscode.ThemeIcon(isReference ? 'pinned' : 'circuit-board'),
        model,
      };
    }),
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
