/** Per-sample arrays (a model's values over the labelled probes): subsets, and the NHWC features the fit takes. */
import type { FeatureTensor } from '../tensor';
import type { Gathered } from './run-model';

export interface Values {
  n: number;
  sampleDims: number[];
  data: Float32Array;
}

export function fromGathered(g: Gathered): Values {
  return { n: g.dims[0], sampleDims: g.dims.slice(1), data: g.data };
}

/** The samples `which`, in that order. */
export function subset(v: Values, which: Int32Array): Values {
  const per = v.sampleDims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(which.length * per);
  which.forEach((s, i) => data.set(v.data.subarray(s * per, (s + 1) * per), i * per));
  return { n: which.length, sampleDims: v.sampleDims, data };
}

/** NCHW ([C, H, W] samples) or [C] samples → the engine's NHWC feature tensor. */
export function toFeatures(v: Values): FeatureTensor {
  if (v.sampleDims.length === 1) return { shape: [v.n, 1, 1, v.sampleDims[0]], data: v.data };
  const [c, h, w] = v.sampleDims;
  const out = new Float32Array(v.data.length);
  const plane = h * w;
  for (let s = 0; s < v.n; s++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < plane; p++) out[(s * plane + p) * c + ch] = v.data[(s * c + ch) * plane + p];
  return { shape: [v.n, h, w, c], data: out };
}
