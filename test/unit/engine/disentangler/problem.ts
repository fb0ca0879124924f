import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { initParams } from '../../../../src/engine/disentangler/init';
import { createRng, randn } from '../../../../src/engine/random';

/** n random samples of A's features (x) and B's (y) for a disentangler of `spec`, and its initial parameters with random β. */
export function randomProblem(spec: DisentanglerSpec, n: number, seed: number) {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n * spec.channelsA * spec.height * spec.width }, () => randn(rng));
  const y = Float32Array.from({ length: n * spec.channelsB * spec.height * spec.width }, () => randn(rng));
  const params = initParams(spec, rng);
  params.betas.set(Array.from({ length: spec.orders }, () => randn(rng)));
  return { x, y, params };
}
