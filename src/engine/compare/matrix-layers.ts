import type { LayerInfo } from '../../protocol/report';
import { lateLayer } from '../probes/dead';

/** Most layers per model in the similarity matrix: 64 × 64 cells stay quick to fill and readable as a heatmap. */
export const MATRIX_LAYER_CAP = 64;

/**
 * Feature bytes (float32, all probe samples) one model's matrix layers may take on disk beyond the pinned layers':
 * 64 early layers of an ImageNet model at 1000 probes would be ~100 GB, so the largest layers give way first.
 */
export const MATRIX_FEATURE_BUDGET = 4 * 1024 ** 3;

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
 * sampled evenly over depth. `pinnedOnly`: just the pinned layers, in depth order.
 */
export function matrixLayers(
  layers: LayerInfo[],
  pinned: string[],
  side: 'A' | 'B',
  {
    cap = MATRIX_LAYER_CAP,
    count = 0,
    budgetBytes = MATRIX_FEATURE_BUDGET,
    pinnedOnly = false,
    sketchWidth,
  }: { cap?: number; count?: number; budgetBytes?: number; pinnedOnly?: boolean; sketchWidth?: number } = {},
): MatrixLayers {
  const keep = new Set(pinned);
  const ordered = layers
    .map((l, i) => ({ l, i }))
    .sort((x, y) => x.l.depth - y.l.depth || x.i - y.i)
    .map((x) => x.l);
  const features = pinnedOnly ? [] : ordered.filter((l) => FEATURE_KINDS.has(l.kind) && !keep.has(l.name));
  const slots = Math.max(0, cap - keep.size);
  let warning: string | undefined;
  if (features.length > slots) {
    const total = new Set([...features.map((l) => l.name), ...keep]).size;
    warning = `model ${side} has ${total} feature layers: the similarity matrix shows ${keep.size + slots} of them, spread over depth`;
    for (const i of spread(features.length, slots)) keep.add(features[i].name);
  } else {
    for (const l of features) keep.add(l.name);
  }
  const dropped = overBudget(
    ordered.filter((l) => keep.has(l.name) && !pinned.includes(l.name)),
    count,
    budgetBytes,
    sketchWidth,
  );
  if (dropped.length) {
    for (const l of dropped) keep.delete(l.name);
    const gb = (budgetBytes / 1024 ** 3).toFixed(0);
    const list =
      dropped
        .slice(0, 4)
        .map((l) => l.name)
        .join(', ') + (dropped.length > 4 ? ', …' : '');
    warning = [
      warning,
      `model ${side}: ${dropped.length} large layer${dropped.length === 1 ? '' : 's'} left out of the similarity matrix to keep its features under ${gb} GB for ${count} probes (${list})`,
    ]
      .filter(Boolean)
      .join('; ');
  }
  const names = ordered.filter((l) => keep.has(l.name)).map((l) => l.name);
  // Pinned names the layer table does not list (none in practice) still get their row, at the end.
  for (const n of pinned) if (!names.includes(n)) names.push(n);
  return { names, warning };
}

/**
 * The layers only the similarity matrix reads, which extraction may keep as count sketches (features/sketch.ts): not
 * the disentangler's (`pinned`), nor the late layer the dead-input check reads; none with `--all-pairs`, whose ridge
 * cells need the real features.
 */
export function sketchedLayers(
  names: readonly string[],
  pinned: readonly string[],
  layers: readonly LayerInfo[],
  allPairs = false,
): Set<string> {
  if (allPairs) return new Set();
  const whole = new Set([...pinned, lateLayer(layers, names)]);
  return new Set(names.filter((n) => !whole.has(n)));
}

/**
 * The largest layers to drop so that the rest fit `budget` bytes for `count` samples (unknown sizes count as 0);
 * with `sketchWidth` a layer takes at most that many values a sample.
 */
function overBudget(layers: LayerInfo[], count: number, budget: number, sketchWidth = Infinity): LayerInfo[] {
  const size = (l: LayerInfo) =>
    4 *
    count *
    Math.min(
      sketchWidth,
      l.shape.slice(1).reduce((a, d) => a * (d > 0 ? d : 0), 1),
    );
  let total = layers.reduce((a, l) => a + size(l), 0);
  const out: LayerInfo[] = [];
  for (const l of [...layers].sort((x, y) => size(y) - size(x))) {
    if (total <= budget) break;
    out.push(l);
    total -= size(l);
  }
  return out;
}

/** `k` distinct indices out of `n` (k < n), evenly spaced, first and last included when k ≥ 2. */
function spread(n: number, k: number): number[] {
  if (k <= 0) return [];
  if (k === 1) return [Math.floor((n - 1) / 2)];
  return Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1)));
}
