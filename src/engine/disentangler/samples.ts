import type { Batch } from '../compute/types';

/** A set of samples in the seam's layout: x [n, C_A, H, W] normalised, y [n, C_B, H, W] centred and scaled. */
export interface SampleSet {
  n: number;
  x: Float32Array;
  y: Float32Array;
}

/** The samples `ids` of a set, as one batch (NCHW rows are contiguous per sample). */
export function slice(set: SampleSet, ids: Int32Array): Batch {
  const xs = set.x.length / set.n,
    ys = set.y.length / set.n;
  const x = new Float32Array(ids.length * xs),
    y = new Float32Array(ids.length * ys);
  ids.forEach((s, j) => {
    x.set(set.x.subarray(s * xs, (s + 1) * xs), j * xs);
    y.set(set.y.subarray(s * ys, (s + 1) * ys), j * ys);
  });
  return { n: ids.length, x, y };
}
