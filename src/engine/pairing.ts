import { KcError } from './errors';
import type { LayerInfo } from '../protocol/report';

/** One layer of A compared with one layer of B. */
export interface LayerPair {
  layerA: string;
  layerB: string;
}

/** How the default pairs were chosen, for the report and the CLI. */
export type PairingRule = 'explicit' | 'same-name' | 'relative-depth';

export interface Pairing {
  /** Layers of A and B that the similarity matrix covers (rows, columns), in depth order. */
  layersA: string[];
  layersB: string[];
  /** The pairs the disentangler runs on. */
  pairs: LayerPair[];
  rule: PairingRule;
  /** Pairs of the 'same-name' rule whose layers have no same-named partner, paired by relative depth instead. */
  byDepth?: LayerPair[];
}

/**
 * Chooses the layers to compare.
 * - Explicit lists of equal length pair element by element; a list for one side only pairs each of its layers with
 *   the other model's layer of the same name, or else the one at the nearest relative depth.
 * - By default the probe points are compared: same-named probe points pair when the models share any, otherwise
 *   the probe points pair by relative depth (monotone, as many pairs as the shorter list). Probe points without a
 *   same-named partner still pair by relative depth among themselves where that crosses no same-named pair (a
 *   wider variant of a net keeps its deepest layers in the comparison).
 */
export function pairLayers(
  layersA: LayerInfo[],
  layersB: LayerInfo[],
  explicitA?: string[],
  explicitB?: string[],
): Pairing {
  const a = explicitA?.length ? explicitA.map((n) => findLayer(layersA, n, 'A')) : probePoints(layersA, 'A');
  const b = explicitB?.length ? explicitB.map((n) => findLayer(layersB, n, 'B')) : probePoints(layersB, 'B');
  if (explicitA?.length && explicitB?.length) {
    if (explicitA.length !== explicitB.length) {
      throw new KcError(
        `--layers-a names ${explicitA.length} layers and --layers-b ${explicitB.length}: give lists of equal length (they pair in order)`,
      );
    }
    return {
      layersA: names(a),
      layersB: names(b),
      pairs: a.map((l, i) => ({ layerA: l.name, layerB: b[i].name })),
      rule: 'explicit',
    };
  }
  if (explicitA?.length || explicitB?.length) {
    // One side is fixed; its partners come from all of the other model's layers, not only the probe points.
    const fixedIsA = Boolean(explicitA?.length);
    const fixed = fixedIsA ? a : b;
    const others = fixedIsA ? layersB : layersA;
    const partners = fixed.map(
      (l) => others.find((o) => o.name === l.name) ?? nearestByDepth(l, fixedIsA ? layersA : layersB, others),
    );
    const pairs = fixed.map((l, i) =>
      fixedIsA ? { layerA: l.name, layerB: partners[i].name } : { layerA: partners[i].name, layerB: l.name },
    );
    return {
      layersA: fixedIsA ? names(a) : unique(pairs.map((p) => p.layerA)),
      layersB: fixedIsA ? unique(pairs.map((p) => p.layerB)) : names(b),
      pairs,
      rule: 'explicit',
    };
  }
  const bNames = new Set(b.map((l) => l.name));
  const shared = a.filter((l) => bNames.has(l.name));
  if (shared.length > 0) {
    const byDepth = unsharedByDepth(a, layersA, b, layersB, shared);
    const depthA = new Map(layersA.map((l) => [l.name, l.depth]));
    const pairs = [...shared.map((l) => ({ layerA: l.name, layerB: l.name })), ...byDepth].sort(
      (x, y) => (depthA.get(x.layerA) ?? 0) - (depthA.get(y.layerA) ?? 0),
    );
    return { layersA: names(a), layersB: names(b), pairs, rule: 'same-name', ...(byDepth.length ? { byDepth } : {}) };
  }
  return { layersA: names(a), layersB: names(b), pairs: pairByDepth(a, layersA, b, layersB), rule: 'relative-depth' };
}

/** The probe points without a same-named partner, paired by relative depth, keeping only pairs that cross no same-named pair. */
function unsharedByDepth(
  a: LayerInfo[],
  allA: LayerInfo[],
  b: LayerInfo[],
  allB: LayerInfo[],
  shared: LayerInfo[],
): LayerPair[] {
  const namesA = new Set(a.map((l) => l.name));
  const namesB = new Set(b.map((l) => l.name));
  const restA = a.filter((l) => !namesB.has(l.name));
  const restB = b.filter((l) => !namesA.has(l.name));
  if (restA.length === 0 || restB.length === 0) return [];
  const depth = (all: LayerInfo[], name: string) => all.find((l) => l.name === name)!.depth;
  const anchors = shared.map((l) => [depth(allA, l.name), depth(allB, l.name)]);
  return pairByDepth(restA, allA, restB, allB).filter((p) => {
    const [da, db] = [depth(allA, p.layerA), depth(allB, p.layerB)];
    return anchors.every(([sa, sb]) => (da - sa) * (db - sb) > 0);
  });
}

/** Relative depth in [0, 1]: the layer's depth over the model's deepest layer. */
export function relativeDepth(layer: LayerInfo, all: LayerInfo[]): number {
  const max = Math.max(...all.map((l) => l.depth));
  return max > 0 ? layer.depth / max : 0;
}

/**
 * Monotone pairing of two depth-ordered lists by relative depth: every layer of the shorter list gets a distinct
 * partner, pairs never cross, and the summed depth difference is the smallest possible (dynamic programming).
 */
export function pairByDepth(a: LayerInfo[], allA: LayerInfo[], b: LayerInfo[], allB: LayerInfo[]): LayerPair[] {
  const swap = a.length > b.length;
  const short = (swap ? b : a).map((l) => relativeDepth(l, swap ? allB : allA));
  const long = (swap ? a : b).map((l) => relativeDepth(l, swap ? allA : allB));
  const n = short.length;
  const m = long.length;
  if (n === 0) return [];
  // cost[i][j]: best total for short[0..i] with short[i] paired to long[j].
  const cost = Array.from({ length: n }, () => new Float64Array(m).fill(Infinity));
  const from = Array.from({ length: n }, () => new Int32Array(m).fill(-1));
  for (let j = 0; j < m; j++) cost[0][j] = Math.abs(short[0] - long[j]);
  for (let i = 1; i < n; i++) {
    let best = Infinity;
    let arg = -1;
    for (let j = i; j < m; j++) {
      if (cost[i - 1][j - 1] < best) {
        best = cost[i - 1][j - 1];
        arg = j - 1;
      }
      cost[i][j] = best + Math.abs(short[i] - long[j]);
      from[i][j] = arg;
    }
  }
  let j = 0;
  for (let k = 1; k < m; k++) if (cost[n - 1][k] < cost[n - 1][j]) j = k;
  const chosen = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    chosen[i] = j;
    j = from[i][j];
  }
  const shortList = swap ? b : a;
  const longList = swap ? a : b;
  return shortList.map((l, i) =>
    swap ? { layerA: longList[chosen[i]].name, layerB: l.name } : { layerA: l.name, layerB: longList[chosen[i]].name },
  );
}

function nearestByDepth(layer: LayerInfo, own: LayerInfo[], others: LayerInfo[]): LayerInfo {
  const r = relativeDepth(layer, own);
  const candidates = others.some((o) => o.probePoint) ? others.filter((o) => o.probePoint) : others;
  let best = candidates[0];
  for (const o of candidates)
    if (Math.abs(relativeDepth(o, others) - r) < Math.abs(relativeDepth(best, others) - r)) best = o;
  return best;
}

function probePoints(layers: LayerInfo[], side: 'A' | 'B'): LayerInfo[] {
  const points = layers.filter((l) => l.probePoint);
  if (points.length === 0) {
    throw new KcError(
      `model ${side} has no probe points: choose layers with --layers-${side.toLowerCase()} (see kc layers)`,
    );
  }
  return points;
}

function findLayer(layers: LayerInfo[], name: string, side: 'A' | 'B'): LayerInfo {
  const found = layers.find((l) => l.name === name);
  if (!found) {
    const hint = layers
      .filter((l) => l.probePoint)
      .map((l) => l.name)
      .slice(0, 8)
      .join(', ');
    throw new KcError(
      `model ${side} has no layer named "${name}"${hint ? ` (probe points: ${hint})` : ''}: see kc layers`,
    );
  }
  return found;
}

const names = (layers: LayerInfo[]): string[] => layers.map((l) => l.name);
const unique = (xs: string[]): string[] => [...new Set(xs)];
