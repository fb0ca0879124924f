import type { DisentanglerParams, DisentanglerSpec } from '../compute/types';
import { randn } from '../random';

/** Gates closed-ish at the start of a warm-started fit: p = σ(−4) ≈ 0.018, so order 0 carries the ridge solution. */
export const WARM_START_BETA = -4;

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
