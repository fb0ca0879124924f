/**
 * The layers of a model as a tree of scopes, as Netron groups a graph: TF.js/TensorFlow names such as
 * "StatefulPartitionedCall/model/block_3/expand/Relu6" lose the prefix every layer shares, then layers that share a
 * scope sit in a collapsible group named by it ("block_3" → "expand/Relu6"). A scope with one layer is no group
 * (the layer shows with its remaining path), a group whose only child is a group merges with it ("block_3/expand").
 * The shared prefix is that of the scoped names: an input named "input_1" beside them does not keep it.
 * Layers keep their order: a group stands where its first layer is. Flat names (conv1, relu1) stay a flat list. Pure.
 */
import type { LayerInfo } from '../../protocol/report';

export type LayerTreeNode =
  | {
      kind: 'group';
      label: string;
      /** The full scope path, "model/block_3/". */ path: string;
      count: number;
      children: LayerTreeNode[];
    }
  | { kind: 'leaf'; label: string; layer: LayerInfo };

interface Item {
  layer: LayerInfo;
  rest: string[];
}

export function groupLayersByScope(layers: readonly LayerInfo[]): LayerTreeNode[] {
  const parts = layers.map((l) => {
    const p = l.name.split('/').filter(Boolean);
    return p.length > 0 ? p : [l.name];
  });
  // The scopes every scoped layer shares (never a layer's whole name); unscoped names ("input_1") do not count.
  const scoped = parts.filter((p) => p.length > 1);
  let common = 0;
  if (scoped.length > 1) while (scoped.every((p) => common < p.length - 1 && p[common] === scoped[0][common])) common++;
  const prefix = scoped[0]?.slice(0, common).join('/') ?? '';
  return build(
    layers.map((layer, i) => ({ layer, rest: parts[i].length > 1 ? parts[i].slice(common) : parts[i] })),
    prefix ? `${prefix}/` : '',
  );
}

function build(items: Item[], path: string): LayerTreeNode[] {
  const buckets = new Map<string, Item[]>();
  const order: Array<{ leaf: Item } | { scope: string }> = [];
  for (const item of items) {
    if (item.rest.length === 1) {
      order.push({ leaf: item });
      continue;
    }
    const scope = item.rest[0];
    if (!buckets.has(scope)) {
      buckets.set(scope, []);
      order.push({ scope });
    }
    buckets.get(scope)!.push(item);
  }
  return order.map((entry): LayerTreeNode => {
    if ('leaf' in entry) return { kind: 'leaf', label: entry.leaf.rest.join('/'), layer: entry.leaf.layer };
    const bucket = buckets.get(entry.scope)!;
    if (bucket.length === 1) return { kind: 'leaf', label: bucket[0].rest.join('/'), layer: bucket[0].layer };
    const groupPath = `${path}${entry.scope}/`;
    const children = build(
      bucket.map((it) => ({ layer: it.layer, rest: it.rest.slice(1) })),
      groupPath,
    );
    const only = children.length === 1 ? children[0] : undefined;
    if (only?.kind === 'group') return { ...only, label: `${entry.scope}/${only.label}` };
    return { kind: 'group', label: entry.scope, path: groupPath, count: bucket.length, children };
  });
}
