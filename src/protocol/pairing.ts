/** How far apart two layers' spatial sizes are, the same in the engine, the reports and the panel. */

/** Larger over smaller of two H×W sizes, by the side lengths' geometric mean (1 = same size; a dense layer is
 * 1 × 1), or undefined when a size is unknown (a model that takes any input size). */
export function spatialRatio(a: readonly number[], b: readonly number[]): number | undefined {
  const side = (s: readonly number[]) => Math.sqrt(s[0] * s[1]);
  const [x, y] = [side(a), side(b)];
  if (!(x > 0 && y > 0)) return undefined;
  return Math.max(x, y) / Math.min(x, y);
}

/** The ratio of a pair's compared shapes (NHWC without N; [1, 1, C] for dense), when both are known. */
export function shapeRatio(
  shapeA: readonly number[] | undefined,
  shapeB: readonly number[] | undefined,
): number | undefined {
  if (!shapeA || !shapeB) return undefined;
  const hw = (s: readonly number[]) => (s.length === 3 ? [s[0], s[1]] : [1, 1]);
  return spatialRatio(hw(shapeA), hw(shapeB));
}

/** Pairs whose sizes differ by more than this are marked in every view. */
export const SCALE_WARNING_RATIO = 2;
