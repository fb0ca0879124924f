/**
 * k×k "same" (zero-padded) patches of NHWC features as the rows of a design matrix, so that a bias-free
 * convolution is a linear regression. Feature f of a patch is (channel i, tap kh, kw) at f = (i·k + kh)·k + kw,
 * which is the OIHW order of a weight [out, in, k, k]; the conv is a cross-correlation, as in ONNX and PyTorch:
 *   y[n, h, w, o] = Σ_{i, kh, kw} W[o, i, kh, kw] · x[n, h + kh − ⌊k/2⌋, w + kw − ⌊k/2⌋, i].
 */
import type { FeatureTensor } from '../tensor';
import { createRng } from '../random';

/** Per-channel affine map applied to x before patching: (x − shift)·scale (padding stays 0). */
export interface ChannelAffine {
  shift: Float64Array;
  scale: Float64Array;
}

/** A row is one (sample, position): id = n·H·W + h·W + w. */
export function rowIds(samples: Int32Array, height: number, width: number): Int32Array {
  const hw = height * width;
  const ids = new Int32Array(samples.length * hw);
  for (let s = 0; s < samples.length; s++) for (let p = 0; p < hw; p++) ids[s * hw + p] = samples[s] * hw + p;
  return ids;
}

/** At most `max` of the rows, chosen at random but reproducibly (seeded), kept in order. */
export function capRows(ids: Int32Array, max: number, seed: number): Int32Array {
  if (ids.length <= max) return ids;
  const rng = createRng(seed);
  const keep = new Int32Array(max);
  // Selection sampling (Knuth's algorithm S): exactly `max` rows, each equally likely.
  let taken = 0;
  for (let i = 0; i < ids.length && taken < max; i++) {
    if (rng() * (ids.length - i) < max - taken) keep[taken++] = ids[i];
  }
  return keep;
}

/** Patches of the rows ids[start..end) as a [d × m] matrix (transposed design: one row per patch feature). */
export function patchesT(
  x: FeatureTensor,
  k: number,
  ids: Int32Array,
  start: number,
  end: number,
  affine?: ChannelAffine,
): Float64Array {
  const [, height, width, channels] = x.shape;
  const m = end - start;
  const pad = (k - 1) >> 1;
  const out = new Float64Array(channels * k * k * m);
  const data = x.data;
  for (let r = 0; r < m; r++) {
    const id = ids[start + r];
    const n = Math.floor(id / (height * width));
    const pos = id - n * height * width;
    const h = Math.floor(pos / width);
    const w = pos - h * width;
    for (let kh = 0; kh < k; kh++) {
      const hh = h + kh - pad;
      if (hh < 0 || hh >= height) continue;
      for (let kw = 0; kw < k; kw++) {
        const ww = w + kw - pad;
        if (ww < 0 || ww >= width) continue;
        const src = ((n * height + hh) * width + ww) * channels;
        const tap = kh * k + kw;
        for (let i = 0; i < channels; i++) {
          const v = affine ? (data[src + i] - affine.shift[i]) * affine.scale[i] : data[src + i];
          out[(i * k * k + tap) * m + r] = v;
        }
      }
    }
  }
  return out;
}

/** Targets of the rows ids[start..end) as [C × m], optionally with a per-channel shift removed. */
export function targetsT(
  y: FeatureTensor,
  ids: Int32Array,
  start: number,
  end: number,
  shift?: Float64Array,
): Float64Array {
  const channels = y.shape[3];
  const m = end - start;
  const out = new Float64Array(channels * m);
  for (let r = 0; r < m; r++) {
    const src = ids[start + r] * channels;
    for (let c = 0; c < channels; c++) out[c * m + r] = y.data[src + c] - (shift ? shift[c] : 0);
  }
  return out;
}
