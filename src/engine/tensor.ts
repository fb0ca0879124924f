/**
 * Feature tensors: float32, NHWC. Dense features [N, C] are stored as [N, 1, 1, C] so that every
 * engine function sees one layout.
 */
export interface FeatureTensor {
  /** [N, H, W, C] */
  readonly shape: readonly [number, number, number, number];
  readonly data: Float32Array;
  /** Consecutive samples that belong together, as run lengths (per-token features: each text's real tokens): every
   * split holds out whole groups (split.ts). Absent: each sample on its own. */
  readonly groups?: readonly number[];
}

export function featureTensor(shape: readonly number[], data: Float32Array, groups?: readonly number[]): FeatureTensor {
  const nhwc = toNhwcShape(shape);
  const expected = nhwc[0] * nhwc[1] * nhwc[2] * nhwc[3];
  if (data.length !== expected) {
    throw new RangeError(`feature data has ${data.length} values, shape [${shape.join(', ')}] needs ${expected}`);
  }
  return groups ? { shape: nhwc, data, groups } : { shape: nhwc, data };
}

/** [N, C] → [N, 1, 1, C]; [N, H, W, C] unchanged. */
export function toNhwcShape(shape: readonly number[]): [number, number, number, number] {
  if (shape.length === 2) return [shape[0], 1, 1, shape[1]];
  if (shape.length === 4) return [shape[0], shape[1], shape[2], shape[3]];
  throw new RangeError(`features must be [N, C] or [N, H, W, C], got [${shape.join(', ')}]`);
}
