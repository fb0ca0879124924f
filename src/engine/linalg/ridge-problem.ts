/** The ridge regression problem shared by the primal and dual solvers: patches of x → y, and its scoring. */
import type { FeatureTensor } from '../tensor';
import type { ChannelAffine } from './patches';

/** Patches of x (optionally standardised, k×k, d = C_A·k² features) → y (optionally centred, C_B channels). */
export interface Problem {
  x: FeatureTensor;
  y: FeatureTensor;
  k: number;
  d: number;
  cOut: number;
  affine?: ChannelAffine;
  shiftY?: Float64Array;
}

export function problem(
  x: FeatureTensor,
  y: FeatureTensor,
  k: number,
  affine?: ChannelAffine,
  shiftY?: Float64Array,
): Problem {
  return { x, y, k, d: x.shape[3] * k * k, cOut: y.shape[3], affine, shiftY };
}

/**
 * 1 − Var(residual)/Var(y), variances with each channel's mean removed and summed over channels, from per-channel
 * sums over `count` rows: Σy, Σy², Σr, Σr².
 */
export function explainedFromSums(
  count: number,
  sy: ArrayLike<number>,
  syy: ArrayLike<number>,
  sr: ArrayLike<number>,
  srr: ArrayLike<number>,
): number {
  let varY = 0;
  let varRes = 0;
  for (let c = 0; c < sy.length; c++) {
    varY += syy[c] / count - (sy[c] / count) ** 2;
    varRes += srr[c] / count - (sr[c] / count) ** 2;
  }
  return varY > 0 ? 1 - Math.max(varRes, 0) / varY : 0;
}
