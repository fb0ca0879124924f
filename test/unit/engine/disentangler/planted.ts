/** Planted ground truth for the disentangler's tests: features with a known relation between A and B. */
import { createRng, randn } from '../../../../src/engine/random';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { naiveConv } from './naive';

export type Shape = [number, number, number, number];

export function gaussian(shape: Shape, rng: () => number): FeatureTensor {
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => randn(rng)) };
}

/**
 * Spatially smooth, channel-correlated features (a random 3×3 conv of white noise), more like a network's maps
 * than white noise.
 */
export function smoothFeatures(shape: Shape, seed: number): FeatureTensor {
  const rng = createRng(seed);
  const c = shape[3];
  return conv(gaussian(shape, rng), randomWeights(c, c, 3, rng), c, 3);
}

export function randomWeights(out: number, inp: number, k: number, rng: () => number): Float32Array {
  const std = Math.sqrt(1 / (inp * k * k));
  return Float32Array.from({ length: out * inp * k * k }, () => std * randn(rng));
}

export function toNchw(t: FeatureTensor): Float32Array {
  const [n, h, w, c] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h * w; p++)
      for (let ch = 0; ch < c; ch++) out[(b * c + ch) * h * w + p] = t.data[(b * h * w + p) * c + ch];
  return out;
}

export function fromNchw(data: ArrayLike<number>, shape: Shape): FeatureTensor {
  const [n, h, w, c] = shape;
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h * w; p++)
      for (let ch = 0; ch < c; ch++) out[(b * h * w + p) * c + ch] = data[(b * c + ch) * h * w + p];
  return { shape, data: out };
}

/** "same" conv of NHWC features with an OIHW weight. */
export function conv(x: FeatureTensor, w: Float32Array, out: number, k: number): FeatureTensor {
  const [n, h, wd, c] = x.shape;
  return fromNchw(naiveConv(toNchw(x), n, c, h, wd, w, out, k), [n, h, wd, out]);
}

/** Σ_c Var_c: per-channel variance over samples and positions, summed over channels. */
export function totalVariance(t: FeatureTensor, samples?: Int32Array): number {
  const [n, h, w, c] = t.shape;
  const ids = samples ?? Int32Array.from({ length: n }, (_, i) => i);
  let total = 0;
  for (let ch = 0; ch < c; ch++) {
    let s = 0,
      sq = 0;
    for (const b of ids)
      for (let p = 0; p < h * w; p++) {
        const v = t.data[(b * h * w + p) * c + ch];
        s += v;
        sq += v * v;
      }
    const m = s / (ids.length * h * w);
    total += sq / (ids.length * h * w) - m * m;
  }
  return total;
}

/** signal + noise with Var(noise) = f · Var(signal + noise) (isotropic noise across channels). */
export function addNoise(signal: FeatureTensor, f: number, rng: () => number): FeatureTensor {
  const c = signal.shape[3];
  const sigma = Math.sqrt((f / (1 - f)) * (totalVariance(signal) / c));
  return { shape: signal.shape, data: signal.data.map((v) => v + sigma * randn(rng)) };
}

export function add(a: FeatureTensor, b: FeatureTensor): FeatureTensor {
  return { shape: a.shape, data: a.data.map((v, i) => v + b.data[i]) };
}

export function relu(a: FeatureTensor): FeatureTensor {
  return { shape: a.shape, data: a.data.map((v) => Math.max(0, v)) };
}
