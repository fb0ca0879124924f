/** Row and column order of the heatmap: the layers of A and B in depth order (or by value on request). */
import type { LayerInfo } from '../../src/protocol/report';
import type { ReportLike } from './measures';

/** Every layer of one side that the report mentions: the matrix's list first, then layers only pairs name. */
function mentioned(report: ReportLike, side: 'a' | 'b'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (n: string) => {
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  };
  for (const n of (side === 'a' ? report.matrix?.layersA : report.matrix?.layersB) ?? []) add(n);
  for (const p of report.pairs) add(side === 'a' ? p.layerA : p.layerB);
  return out;
}

/**
 * Layers in depth order. Depth comes from the model's layer list when the report carries it; layers without a
 * known depth keep the order in which the report lists them (the matrix is already in depth order).
 */
export function depthOrder(report: ReportLike, side: 'a' | 'b'): string[] {
  const names = mentioned(report, side);
  const infos: LayerInfo[] | undefined = side === 'a' ? report.models?.a.layers : report.models?.b.layers;
  if (!infos?.length) return names;
  const depth = new Map(infos.map((l) => [l.name, l.depth]));
  const firstSeen = new Map(names.map((n, i) => [n, i]));
  return [...names].sort((x, y) => {
    const dx = depth.get(x);
    const dy = depth.get(y);
    if (dx !== undefined && dy !== undefined && dx !== dy) return dx - dy;
    return firstSeen.get(x)! - firstSeen.get(y)!;
  });
}

/**
 * Permutation of `n` indices sorted by the mean of the finite values of each line, highest first (ties and
 * lines with no value keep depth order, lines with no value last).
 */
export function orderByMean(n: number, valuesOf: (i: number) => Iterable<number>): number[] {
  const means = Array.from({ length: n }, (_, i) => {
    let s = 0;
    let c = 0;
    for (const v of valuesOf(i))
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    return c ? s / c : -Infinity;
  });
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => means[b] - means[a] || a - b);
}
