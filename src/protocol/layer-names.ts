/**
 * Short, unique display names for the layers of one model, as Netron shows graph nodes: the fewest trailing '/'
 * scopes that still tell a layer from the others. TF.js/TensorFlow graphs name nodes with 50–230 characters
 * ("StatefulPartitionedCall/model/block_3_expand_relu/Relu6" → "block_3_expand_relu/Relu6"); torch.onnx names keep
 * their module ("/features/0/Conv_output_0" → "0/Conv_output_0"). Full names stay in tooltips, hovers and JSON.
 */

/** A last scope that names an op, not a place ("Relu6", "BiasAdd", "Conv_output_0"): show the scope above it too. */
const OP_NAME = /^[A-Z][A-Za-z0-9]*(?:_output_\d+|:\d+)?$/;

export function shortLayerNames(names: readonly string[]): string[] {
  const parts = names.map((n) => {
    const p = n.split('/').filter(Boolean);
    return p.length > 0 ? p : [n];
  });
  const depth = parts.map((p) => Math.min(p.length, p.length > 1 && OP_NAME.test(p[p.length - 1]) ? 2 : 1));
  const suffix = (i: number) => parts[i].slice(parts[i].length - depth[i]).join('/');
  // Each round lengthens every name that still collides with a different name by one scope; a name can grow at most
  // to its full length, so this ends after at most (longest scope count) rounds.
  const rounds = Math.max(0, ...parts.map((p) => p.length));
  for (let round = 0; round < rounds; round++) {
    const owners = new Map<string, Set<string>>();
    names.forEach((n, i) => {
      const s = suffix(i);
      owners.set(s, (owners.get(s) ?? new Set()).add(n));
    });
    let grew = false;
    names.forEach((_, i) => {
      if ((owners.get(suffix(i))?.size ?? 0) > 1 && depth[i] < parts[i].length) {
        depth[i]++;
        grew = true;
      }
    });
    if (!grew) break;
  }
  return names.map((_, i) => suffix(i));
}

/** The short name of each layer of a model, keyed by full name. */
export function shortLayerNameMap(names: readonly string[]): Map<string, string> {
  const short = shortLayerNames(names);
  return new Map(names.map((n, i) => [n, short[i]]));
}
