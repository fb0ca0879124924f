/**
 * Windows of a layer's raw NHWC features → the arrays a fit computes on, normalised on the way (normalize.ts's
 * affine maps): NCHW batches for the compute seam, NHWC blocks for the ridge warm start, and the window masks.
 * Positions outside the map are zeros, the "same" padding of the whole map.
 */
import type { FeatureTensor } from '../tensor';
import type { Affine } from './normalize';
import type { Geometry, Window } from './windows';

export type Layout = 'nchw' | 'nhwc';

/** `windows` of `t`, each (raw − shift)·scale, as [n, C, span, span] ('nchw') or [n, span, span, C] ('nhwc'). */
export function gatherWindows(
  t: FeatureTensor,
  affine: Affine,
  windows: readonly Window[],
  g: Geometry,
  layout: Layout,
): Float32Array {
  const [, height, width, c] = t.shape;
  const { rows, cols } = g;
  const area = rows.span * cols.span;
  const out = new Float32Array(windows.length * c * area);
  const { shift, scale, perSample } = affine;
  windows.forEach((w, j) => {
    const scaleAt = perSample ? w.sample * c : 0;
    for (let r = 0; r < rows.span; r++) {
      const y = w.top - rows.halo + r;
      if (y < 0 || y >= height) continue;
      for (let q = 0; q < cols.span; q++) {
        const x = w.left - cols.halo + q;
        if (x < 0 || x >= width) continue;
        const src = ((w.sample * height + y) * width + x) * c;
        const pixel = r * cols.span + q;
        if (layout === 'nhwc') {
          const dst = (j * area + pixel) * c;
          for (let ch = 0; ch < c; ch++) out[dst + ch] = (t.data[src + ch] - shift[ch]) * scale[scaleAt + ch];
        } else {
          const dst = j * c * area + pixel;
          for (let ch = 0; ch < c; ch++) out[dst + ch * area] = (t.data[src + ch] - shift[ch]) * scale[scaleAt + ch];
        }
      }
    }
  });
  return out;
}

/** [n, 1, span, span] masks: `inside` the map, and `counted` (the window's block, inside the map). */
export function windowMasks(windows: readonly Window[], g: Geometry): { inside: Float32Array; counted: Float32Array } {
  const { rows, cols } = g;
  const area = rows.span * cols.span;
  const inside = new Float32Array(windows.length * area);
  const counted = new Float32Array(windows.length * area);
  windows.forEach((w, j) => {
    for (let r = 0; r < rows.span; r++) {
      const y = w.top - rows.halo + r;
      if (y < 0 || y >= rows.size) continue;
      const rowCounted = r >= rows.halo && r < rows.halo + rows.side;
      for (let q = 0; q < cols.span; q++) {
        const x = w.left - cols.halo + q;
        if (x < 0 || x >= cols.size) continue;
        inside[j * area + r * cols.span + q] = 1;
        if (rowCounted && q >= cols.halo && q < cols.halo + cols.side) counted[j * area + r * cols.span + q] = 1;
      }
    }
  });
  return { inside, counted };
}
