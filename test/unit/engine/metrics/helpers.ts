/** Planted-data helpers for the metrics tests. */
import { createRng, randn } from '../../../../src/engine/random';
import { featureTensor, type FeatureTensor } from '../../../../src/engine/tensor';

export function randomTensor(shape: number[], seed: number): FeatureTensor {
  const rng = createRng(seed);
  const data = new Float32Array(shape.reduce((p, s) => p * s, 1));
  for (let i = 0; i < data.length; i++) data[i] = randn(rng);
  return featureTensor(shape, data);
}

export function randomWeights(length: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => scale * randn(rng));
}

/** Zero-padded "same" cross-correlation, OIHW weight [cOut, cIn, k, k], NHWC features. */
export function convSame(x: FeatureTensor, w: Float32Array, cOut: number, k: number): FeatureTensor {
  const [n, h, wd, cIn] = x.shape;
  const pad = (k - 1) >> 1;
  const out = new Float32Array(n * h * wd * cOut);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < wd; j++) {
        for (let o = 0; o < cOut; o++) {
          let acc = 0;
          for (let kh = 0; kh < k; kh++) {
            const ii = i + kh - pad;
            if (ii < 0 || ii >= h) continue;
            for (let kw = 0; kw < k; kw++) {
              const jj = j + kw - pad;
              if (jj < 0 || jj >= wd) continue;
              const src = ((s * h + ii) * wd + jj) * cIn;
              for (let c = 0; c < cIn; c++) acc += w[((o * cIn + c) * k + kh) * k + kw] * x.data[src + c];
            }
          }
          out[((s * h + i) * wd + j) * cOut + o] = acc;
        }
      }
    }
  }
  return featureTensor([n, h, wd, cOut], out);
}

/** y + noise whose variance is `fraction / (1 − fraction)` of y's, so noise is `fraction` of the total. */
export function addNoise(y: FeatureTensor, fraction: number, seed: number): FeatureTensor {
  let mean = 0;
  for (const v of y.data) mean += v;
  mean /= y.data.length;
  let variance = 0;
  for (const v of y.data) variance += (v - mean) ** 2;
  variance /= y.data.length;
  const sd = Math.sqrt((variance * fraction) / (1 - fraction));
  const rng = createRng(seed);
  return featureTensor(
    [...y.shape],
    y.data.map((v) => v + sd * randn(rng)),
  );
}

/** Multiplies every feature vector by a matrix [dIn × dOut] (dense view: per-sample flattened features). */
export function mapFlat(x: FeatureTensor, m: Float64Array, dOut: number): FeatureTensor {
  const n = x.shape[0];
  const dIn = x.data.length / n;
  const out = new Float32Array(n * dOut);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < dIn; i++) {
      const v = x.data[s * dIn + i];
      for (let j = 0; j < dOut; j++) out[s * dOut + j] += v * m[i * dOut + j];
    }
  }
  return featureTensor([n, dOut], out);
}
