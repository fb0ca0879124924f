/** The Models view: discovered model files → their layers (listed lazily by the worker). */
import * as vscode from 'vscode';
import { markdownText as md } from '../../engine/report/escape';
import type { LayerInfo } from '../../protocol/report';
import type { EngineClient, ReferenceModel } from '../contracts';
import type { DiscoveredModel, ModelIndex } from '../discovery/modelIndex';
import { FORMAT_NAMES } from '../discovery/recognise';
import { groupLayersByScope, type LayerTreeNode } from './layerGroups';
import { layerDescription, layerIcon } from './layerPresentation';

export type ModelsNode =
  | { kind: 'model'; model: DiscoveredModel }
  | {
      kind: 'layer';
      model: DiscoveredModel;
      layer: LayerInfo;
      /** The name as shown: its path below its scope group (layerGroups.ts). */ shortName?: string;
    }
  | { kind: 'scope'; model: DiscoveredModel; label: string; path: string; count: number; children: LayerTreeNode[] }
  | { kind: 'info'; label: string; tooltip?: string; icon: string; command?: vscode.Command };

export const MODEL_CONTEXT = 'kcModel';
export const REFERENCE_CONTEXT = 'kcModel.reference';
export const LAYER_CONTEXT = 'kcLayer';

const TRUST_COMMAND: vscode.Command = { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' };

export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Layers per model URI; dropped when the file changes. */
  private readonly layers = new Map<string, Promise<LayerInfo[]>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: ModelIndex,
    private readonly engine: EngineClient,
    private readonly reference: ReferenceModel,
  ) {
    this.subscriptions = [
      index.onDidChange(() => this.changed.fire(undefined)),
      // Only a model whose layers are shown needs a refresh (list changes come through onDidChange).
      index.onDidChangeModelFile((uri) => {
        if (this.layers.delete(uri.toString())) this.changed.fire(undefined);
      }),
      reference.onDidChange(() => this.changed.fire(undefined)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(undefined)),
    ];
  }

  refresh(): void {
    this.layers.clear();
    this.changed.fire(undefined);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    if (!node) return this.roots();
    if (node.kind === 'scope') return node.children.map((c) => this.treeNode(node.model, c));
    if (node.kind !== 'model') return [];
    if (!vscode.workspace.isTrusted) {
      return [{ kind: 'info', label: 'Trust this workspace to list layers', icon: 'shield', command: TRUST_COMMAND }];
    }
    try {
      const layers = await this.layersOf(node.model);
      // Grouped by scope as Netron does: long graph names read as a tree, not as rows of the same prefix.
      return groupLayersByScope(layers).map((c) => this.treeNode(node.model, c));
    } catch (error) {
      this.layers.delete(node.model.uri.toString());
      const message = error instanceof Error ? error.message : String(error);
      return [
        {
          kind: 'info',
          label: `Could not read layers: ${message}`,
          tooltip: message,
          icon: 'error',
          command: { title: 'Show Log', command: 'knowledgeConsistency.showLog' },
        },
      ];
    }
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (node.kind === 'model') return this.modelItem(node.model);
    if (node.kind === 'scope') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `${node.model.uri.toString()}#${node.path}`;
      item.description = `${node.count} layers`;
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      item.tooltip = node.path;
      return item;
    }
    if (node.kind === 'layer') {
      const item = new vscode.TreeItem(node.shortName ?? node.layer.name, vscode.TreeItemCollapsibleState.None);
      item.description = layerDescription(node.layer);
      item.iconPath = layerIcon(node.layer);
      item.contextValue = LAYER_CONTEXT;
      item.tooltip = new vscode.MarkdownString(
        `**${md(node.layer.name)}** (${md(node.layer.op ?? node.layer.kind)})  \nshape ${md(JSON.stringify(node.layer.shape))}  \ndepth ${node.layer.depth}${node.layer.probePoint ? '  \n$(target) probe point: compared by default' : ''}`,
        true,
      );
      item.command = { title: 'Open Layer Report', command: 'knowledgeConsistency.openLayerReport', arguments: [node] };
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(node.icon);
    item.tooltip = node.tooltip;
    item.command = node.command;
    return item;
  }

  private treeNode(model: DiscoveredModel, c: LayerTreeNode): ModelsNode {
    return c.kind === 'group'
      ? { kind: 'scope', model, label: c.label, path: c.path, count: c.count, children: c.children }
      : { kind: 'layer', model, layer: c.layer, shortName: c.label };
  }

  getParent(node: ModelsNode): ModelsNode | undefined {
    return node.kind === 'layer' ? { kind: 'model', model: node.model } : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }

  private async roots(): Promise<ModelsNode[]> {
    const models = await this.index.list();
    // The welcome view (viewsWelcome) shows while the tree is empty; it waits for the first scan to finish.
    void vscode.commands.executeCommand('setContext', 'knowledgeConsistency.modelsScanned', true);
    if (models.length === 0) return [];
    const notes: ModelsNode[] = [];
    if (!vscode.workspace.isTrusted) {
      notes.push({
        kind: 'info',
        label: 'Restricted Mode: models are listed, not loaded',
        tooltip: 'Layers and comparisons run the model files in the engine; trust the workspace to enable them.',
        icon: 'shield',
        command: TRUST_COMMAND,
      });
    }
    if (this.index.capped) {
      notes.push({
        kind: 'info',
        label: `Showing the first ${this.index.capped} files per pattern`,
        tooltip:
          'The scan stopped at knowledgeConsistency.discovery.maxFiles; narrow it with files.exclude or raise the cap.',
        icon: 'warning',
        command: {
          title: 'Open Settings',
          command: 'workbench.action.openSettings',
          arguments: ['knowledgeConsistency.discovery.maxFiles'],
        },
      });
    }
    return [...notes, ...models.map((model): ModelsNode => ({ kind: 'model', model }))];
  }

  private modelItem(model: DiscoveredModel): vscode.TreeItem {
    const isReference = this.reference.get()?.toString() === model.uri.toString();
    const item = new vscode.TreeItem(model.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = model.uri.toString();
    // The path is in the tooltip: a narrow sidebar should show the name and format in full.
    item.description = `${FORMAT_NAMES[model.format]}${isReference ? ' · reference' : ''}`;
    item.iconPath = new vscode.ThemeIcon(isReference ? 'pinned' : 'circuit-board');
    item.contextValue = isReference ? REFERENCE_CONTEXT : MODEL_CONTEXT;
    item.resourceUri = model.uri;
    item.tooltip = new vscode.MarkdownString(
      `**${md(model.name)}**  \n${md(model.relativePath)}${isReference ? '  \n$(pinned) reference model' : ''}`,
      true,
    );
    return item;
  }

  private layersOf(model: DiscoveredModel): Promise<LayerInfo[]> {
    const key = model.uri.toString();
    let layers = this.layers.get(key);
    if (!layers) {
      layers = this.engine.listLayers(model.uri.fsPath);
      this.layers.set(key, layers);
    }
    return layers;
  }
}
