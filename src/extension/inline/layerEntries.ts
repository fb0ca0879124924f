/**
 * Where each layer of a TF.js model.json is declared: the `"name": …` property of every layer (layers models,
 * Sequential or functional) or node (graph models), as text offsets for CodeLenses, hovers and diagnostics.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export interface LayerEntry {
  name: string;
  /** Offset and length of the whole `"name": "…"` property. */
  offset: number;
  length: number;
  /** class_name (layers models) or op (graph models), when present. */
  kind?: string;
}

/** Layer lists in the places the TF.js converters write them, relative to modelTopology. */
const LAYER_LISTS: Array<Array<string>> = [['config', 'layers'], ['model_config', 'config', 'layers'], ['node']];

export interface ModelJsonLayers {
  /** Offset of the `"modelTopology"` property (where a whole-model summary goes). */
  topologyOffset: number;
  entries: LayerEntry[];
}

export function modelJsonLayers(text: string): ModelJsonLayers | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const topology = root && findNodeAtLocation(root, ['modelTopology']);
  if (!topology?.parent) return undefined;
  return { topologyOffset: topology.parent.offset, entries: layerEntries(topology) };
}

function layerEntries(topology: Node): LayerEntry[] {
  for (const location of LAYER_LISTS) {
    const list = findNodeAtLocation(topology, location);
    if (list?.type !== 'array' || !list.children) continue;
    return list.children.flatMap((item) => entryOf(item, location[0] === 'node'));
  }
  return [];
}

function entryOf(item: Node, graph: boolean): LayerEntry[] {
  // Layers models keep the name in config (functional models also repeat it at the top of the entry).
  const nameNode =
    (graph ? undefined : findNodeAtLocation(item, ['config', 'name'])) ?? findNodeAtLocation(item, ['name']);
  const property = nameNode?.parent;
  if (typeof nameNode?.value !== 'string' || !property) return [];
  const kind = findNodeAtLocation(item, [graph ? 'op' : 'class_name'])?.value;
  return [
    {
      name: nameNode.value,
      offset: property.offset,
      length: property.length,
      kind: typeof kind === 'string' ? kind : undefined,
    },
  ];
}
