import type { Batch } from '../compute/types';
import type { FeatureTensor } from '../tensor';
import { gatherWindows, windowMasks } from './gather';
import type { Affine } from './normalize';
import type { Geometry, Window } from './windows';

/** What a fit computes on: the raw features of both layers, the affine maps that normalise them, the windows' shape. */
export interface PairData {
  source: FeatureTensor;
  target: FeatureTensor;
  /** x̃ = source under this map. */
  x: Affine;
  /** B inside the fit = target under this map. */
  y: Affine;
  geometry: Geometry;
}

/** `windows` as one batch in the compute seam's layout (NCHW), with their masks when the geometry is windowed. */
export function batchOf(pair: PairData, windows: readonly Window[], withTarget = true): Batch {
  const g = pair.geometry;
  return {
    n: windows.length,
    x: gatherWindows(pair.source, pair.x, windows, g, 'nchw'),
    ...(withTarget ? { y: gatherWindows(pair.target, pair.y, windows, g, 'nchw') } : {}),
    ...(g.windowed ? windowMasks(windows, g) : {}),
  };
}
