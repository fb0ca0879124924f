import type { LayerInfo } from '../../protocol/report';

/** Most layers per model in the similarity matrix: 64 × 64 cells stay quick to fill and readable as a heatmap. */
export const MATRIX_LAYER_CAP = 64;

/** Kinds that carry features worth comparing; input, reshape/flatten, identity, dropout, pad, resize, constants do not. */
const FEATURE_KINDS = new Set(['conv', 'dense', 'pool', 'activation', 'norm', 'add', 'concat']);

export interface MatrixLayers {
  /** Rows (or columns) of the matrix, in depth order. */
  names: string[];
  /** Set when the model has more feature layers than the cap. */
  warning?: string;
}

/**
 * The layers of one model that the layer × layer similarity matrix covers: every feature layer in depth order, plus
 * the disentangler's layers (`pinned`) whatever their kind. Above `cap` the pinned layers stay and the rest is
 * sampled evenly over depth.
 */
export function matrixLayers(layers: LayerInfo[], pinned: string[], side: 'A' | 'B', cap = MATRIX_LAYER_CAP): MatrixLayers {
  const keep = new Set(pinned);
  const ordered = layers.map((l, i) => ({ l, i })).sort((x, y) => (x.l.depth - y.l.depth) || (x.i - y.i)).map((x) => x.l);
  const features = ordered.filter((l) => FEATURE_KINDS.has(l.kind) && !keep.has(l.name));
  const slots = Math.max(0, cap - keep.size);
  let warning: string | undefined;
  if (features.length > slots) {
    const total = new Set([...features.map((l) => l.name), ...keep]).size;
    warning = `model ${side} has ${total} feature layers: the similarity matrix shows ${keep.size + slots} of them, spread over depth`;
    for (const i of spread(features.length, slots)) keep.add(features[i].name);
  } else {
    for (const l of features) keep.add(l.name);
  }
  const names = ordered.filter((l) => keep.has(l.name)).map((l) => l.name);
  // Pinned names the layer table does not list (none in practice) still get their row, at the end.
  for (const n of pinned) if (!names.includes(n)) names.push(n);
  return { names, warning };
}

/** `k` distinct indices out of `n` (k < n), evenly spaced, first and last included when k ≥ 2. */
function spread(n: number, k: number): number[] {
  if (k <= 0) return [];
  if (k === 1) return [Math.floor((n - 1) / 2)];
  return Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1)));
}
