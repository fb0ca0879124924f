import { KcError } from './errors';
import type { LayerInfo, PairingInfo, PairedLayers } from '../protocol/report';
import { SCALE_WARNING_RATIO, spatialRatio } from '../protocol/pairing';

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
  /** Pairs of the 'same-name' rule whose layers have no same-named partner at the same place, paired by relative
   * depth and spatial scale instead. */
  byDepth?: LayerPair[];
  /** Every pair with how it was chosen and its spatial-size ratio: Report.pairing. */
  info: PairingInfo;
}

/** Same-named layers denote the same place only at the same H×W and within this much relative depth. */
export const SAME_PLACE_DEPTH = 0.25;
/** Cost of one octave of spatial-size difference in the depth pairing, in relative depth: 8× apart (3 octaves)
 * costs as much as 0.3 of the model's depth, so layers at the same scale pair unless depth says otherwise. */
export const SCALE_WEIGHT = 0.1;

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
    const pairs = a.map((l, i) => ({ layerA: l.name, layerB: b[i].name }));
    return {
      layersA: names(a),
      layersB: names(b),
      pairs,
      rule: 'explicit',
      info: info('explicit', pairs, layersA, layersB),
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
      info: info('explicit', pairs, layersA, layersB),
    };
  }
  const byName = new Map(b.map((l) => [l.name, l]));
  const shared = a.filter((l) => {
    const other = byName.get(l.name);
    return other !== undefined && samePlace(l, layersA, other, layersB);
  });
  if (shared.length > 0) {
    const byDepth = unsharedByDepth(a, layersA, b, layersB, shared);
    const depthA = new Map(layersA.map((l) => [l.name, l.depth]));
    const pairs = [...shared.map((l) => ({ layerA: l.name, layerB: l.name })), ...byDepth].sort(
      (x, y) => (depthA.get(x.layerA) ?? 0) - (depthA.get(y.layerA) ?? 0),
    );
    const named = new Set(shared.map((l) => l.name));
    return {
      layersA: names(a),
      layersB: names(b),
      pairs,
      rule: 'same-name',
      ...(byDepth.length ? { byDepth } : {}),
      info: info('same-name', pairs, layersA, layersB, (p) =>
        named.has(p.layerA) && p.layerA === p.layerB ? 'name' : 'depth',
      ),
    };
  }
  const pairs = pairByDepth(a, layersA, b, layersB);
  return {
    layersA: names(a),
    layersB: names(b),
    pairs,
    rule: 'relative-depth',
    info: info('relative-depth', pairs, layersA, layersB),
  };
}

/** Same-named layers at the same place: the same H×W (channels may differ: a wider variant) and relative depth. */
export function samePlace(a: LayerInfo, allA: LayerInfo[], b: LayerInfo, allB: LayerInfo[]): boolean {
  const [ha, wa] = spatial(a);
  const [hb, wb] = spatial(b);
  return ha === hb && wa === wb && Math.abs(relativeDepth(a, allA) - relativeDepth(b, allB)) <= SAME_PLACE_DEPTH;
}

/** H and W of a layer's output (1 × 1 for dense), NaN where the model leaves them open. */
function spatial(l: LayerInfo): [number, number] {
  if (l.shape.length !== 4) return [1, 1];
  const known = (v: number) => (v > 0 ? v : Number.NaN);
  return [known(l.shape[1]), known(l.shape[2])];
}

/** Report.pairing: each pair, how it was chosen and how far apart its spatial sizes are. */
function info(
  rule: PairingRule,
  pairs: LayerPair[],
  allA: LayerInfo[],
  allB: LayerInfo[],
  by: (p: LayerPair) => PairedLayers['by'] = () => (rule === 'explicit' ? 'explicit' : 'depth'),
): PairingInfo {
  const find = (all: LayerInfo[], name: string) => all.find((l) => l.name === name);
  return {
    rule,
    pairs: pairs.map((p) => {
      const [la, lb] = [find(allA, p.layerA), find(allB, p.layerB)];
      const ratio = la && lb ? spatialRatio(spatial(la), spatial(lb)) : undefined;
      return { ...p, by: by(p), ...(ratio !== undefined ? { scaleRatio: ratio } : {}) };
    }),
  };
}

/** The probe points without a same-named partner at the same place, paired by relative depth and spatial scale,
 * keeping only pairs that cross no same-named pair. */
function unsharedByDepth(
  a: LayerInfo[],
  allA: LayerInfo[],
  b: LayerInfo[],
  allB: LayerInfo[],
  shared: LayerInfo[],
): LayerPair[] {
  const named = new Set(shared.map((l) => l.name));
  const restA = a.filter((l) => !named.has(l.name));
  const restB = b.filter((l) => !named.has(l.name));
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
 * Monotone pairing of two depth-ordered lists by relative depth and spatial scale: every layer of the shorter list
 * gets a distinct partner, pairs never cross, and the summed cost — depth difference plus SCALE_WEIGHT per octave of
 * spatial-size difference — is the smallest possible (dynamic programming).
 */
export function pairByDepth(a: LayerInfo[], allA: LayerInfo[], b: LayerInfo[], allB: LayerInfo[]): LayerPair[] {
  const swap = a.length > b.length;
  const place = (l: LayerInfo, all: LayerInfo[]) => ({ depth: relativeDepth(l, all), size: spatial(l) });
  const short = (swap ? b : a).map((l) => place(l, swap ? allB : allA));
  const long = (swap ? a : b).map((l) => place(l, swap ? allA : allB));
  const n = short.length;
  const m = long.length;
  if (n === 0) return [];
  const gap = (i: number, j: number) => {
    const ratio = spatialRatio(short[i].size, long[j].size);
    return Math.abs(short[i].depth - long[j].depth) + (ratio === undefined ? 0 : SCALE_WEIGHT * Math.log2(ratio));
  };
  // cost[i][j]: best total for short[0..i] with short[i] paired to long[j].
  const cost = Array.from({ length: n }, () => new Float64Array(m).fill(Infinity));
  const from = Array.from({ length: n }, () => new Int32Array(m).fill(-1));
  for (let j = 0; j < m; j++) cost[0][j] = gap(0, j);
  for (let i = 1; i < n; i++) {
    let best = Infinity;
    let arg = -1;
    for (let j = i; j < m; j++) {
      if (cost[i - 1][j - 1] < best) {
        best = cost[i - 1][j - 1];
        arg = j - 1;
      }
      cost[i][j] = best + gap(i, j);
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

/** The pairs whose spatial sizes differ by more than SCALE_WARNING_RATIO, each in one warning line. */
export function scaleWarnings(info: PairingInfo, layersA: LayerInfo[], layersB: LayerInfo[]): string[] {
  const size = (all: LayerInfo[], name: string) => {
    const l = all.find((x) => x.name === name);
    return l && l.shape.length === 4 ? `${l.shape[1]}×${l.shape[2]}` : '1×1';
  };
  return info.pairs
    .filter((p) => (p.scaleRatio ?? 1) > SCALE_WARNING_RATIO)
    .map(
      (p) =>
        `${p.layerA} ↔ ${p.layerB}: spatial sizes ${size(layersA, p.layerA)} and ${size(layersB, p.layerB)} differ ${fmtRatio(p.scaleRatio!)}× (the explaining layer is resampled to the explained one's size, so the two look at different scales); choose pairs with --layers-a/--layers-b`,
    );
}

const fmtRatio = (r: number) => (Number.isInteger(r) ? String(r) : r.toFixed(1));
const names = (layers: LayerInfo[]): string[] => layers.map((l) => l.name);
const unique = (xs: string[]): string[] => [...new Set(xs)];
