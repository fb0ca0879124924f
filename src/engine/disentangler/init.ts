import type { DisentanglerParams, DisentanglerSpec } from '../compute/types';
import { randn } from '../random';

/**
 * Gates of a warm-started fit: p = σ(−2) ≈ 0.12, so order 0 starts as the ridge solution (the higher orders add a
 * small perturbation) while the gates can still open. Measured on planted disentangler data: from σ(−4) the gates
 * stayed shut within 300 epochs (their gradient is ∝ p(1 − p)); from σ(0) the start is worse than the ridge map.
 */
export const WARM_START_BETA = -2;

/**
 * Gates shut: p = σ(−30) ≈ 1e-13, so the disentangler is its order-0 path alone. The warm start with these gates is
 * the ridge map itself, without the random higher-order branches that σ(−2) lets through (on real layers they cost
 * 0.005 of a self-comparison's explained fraction); it is a candidate for selection, not a place to train from.
 */
export const SHUT_BETA = -30;

/** The authors' initialisation: Kaiming-normal (fan-out) convolutions, gates at β = 0 (p = 0.5). */
export function initParams(spec: DisentanglerSpec, rng: () => number): DisentanglerParams {
  const { orders: K, channelsA: ca, channelsB: cb, kernel: k } = spec;
  const weights: Float32Array[] = [];
  for (let i = 0; i <= K; i++) {
    const out = i === K ? cb : ca;
    const std = Math.sqrt(2 / (out * k * k));
    weights.push(Float32Array.from({ length: out * ca * k * k }, () => std * randn(rng)));
  }
  return { weights, betas: new Float32Array(K) };
}
