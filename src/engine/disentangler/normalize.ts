import type { Normalization } from '../../protocol/report';
import { KcError } from '../errors';
import { channelScale, channelStats, constantChannels, isConstantLayer, STD_FLOOR } from '../linalg/channel-stats';
import type { FeatureTensor } from '../tensor';

export interface NormalizedSource {
  /** x̃, NHWC. */
  data: Float32Array;
  /** Channels left out (zeros) because they barely vary on the training split (std below the layer's floor), less
   * those constant on every sample (warned of apart). */
  nearConstant: number[];
}

/**
 * x̃, the disentangler's input (method page §4), NHWC like the input:
 * - "dataset": centred and divided by the per-channel std over the training samples (self-comparison → ≈ 100 %);
 * - "per-sample": the authors' choice, each sample's channel divided by its own spatial std (not centred), so a
 *   per-sample magnitude is removed that no linear map can restore. With H = W = 1 there is no spatial std: the
 *   per-channel dataset std is used instead.
 * A channel whose training std is below the layer's floor (channelScale) becomes zeros: a saturating unit that
 * barely moves on the training split would otherwise turn a held-out sample where it moves into a huge input. In
 * "per-sample" mode a sample map below the floor divides by its channel's dataset std. Never NaN.
 */
export function normalizeSource(t: FeatureTensor, train: Int32Array, mode: Normalization): NormalizedSource {
  const [n, h, w, c] = t.shape;
  const { mean, std } = channelStats(t, train);
  const { scale, floor, dropped } = channelScale(std);
  const constant = new Set(constantChannels(channelStats(t, allSamples(n)).std));
  const nearConstant = dropped.filter((ch) => !constant.has(ch));
  const out = new Float32Array(t.data.length);
  if (mode === 'dataset' || h * w === 1) {
    const centre = mode === 'dataset';
    for (let i = 0; i < out.length; i++) {
      const ch = i % c;
      out[i] = (t.data[i] - (centre ? mean[ch] : 0)) * scale[ch];
    }
    return { data: out, nearConstant };
  }
  const single: FeatureTensor = { shape: [1, h, w, c], data: t.data };
  for (let b = 0; b < n; b++) {
    const view: FeatureTensor = { ...single, data: t.data.subarray(b * h * w * c, (b + 1) * h * w * c) };
    const own = channelStats(view, Int32Array.of(0)).std;
    for (let i = 0; i < h * w * c; i++) {
      const ch = i % c;
      // A left-out channel stays zero in every sample; a flat sample map divides by its channel's dataset std.
      out[b * h * w * c + i] = view.data[i] * (scale[ch] > 0 && own[ch] > floor ? 1 / own[ch] : scale[ch]);
    }
  }
  return { data: out, nearConstant };
}

const allSamples = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** The warning that names a layer's near-constant channels (NormalizedSource.nearConstant). */
export function nearConstantWarning(name: string, channels: number[], total: number): string {
  return (
    `${name}: ${channels.length} of ${total} channels barely vary on the training split (std below ${STD_FLOOR * 100} % of the ` +
    `layer's RMS channel std: ${channelList(channels)}); they are left out of the input, so a held-out sample where they move cannot blow up`
  );
}

/** Up to 8 channel indices, then "…". */
export function channelList(channels: number[]): string {
  return channels.length > 8 ? `${channels.slice(0, 8).join(', ')}, …` : channels.join(', ');
}

export interface ScaledTarget {
  /** NHWC, centred per channel and divided by `scale`. */
  data: Float32Array;
  mean: Float64Array;
  /** The overall std: sqrt(mean over channels of the per-channel variance) on the training samples. */
  scale: number;
}

/**
 * B inside the fit (method page §6): centred per channel, so a bias-free g can fit post-ReLU features, and scaled to
 * unit overall std, so that α weighs the same against the MSE for every layer and model. Values in B's units are
 * recovered as data·scale + mean.
 */
export function scaleTarget(t: FeatureTensor, train: Int32Array, name: string): ScaledTarget {
  const c = t.shape[3];
  const { mean, std } = channelStats(t, train);
  const scale = Math.sqrt(std.reduce((acc, s) => acc + s * s, 0) / c);
  if (isConstantLayer({ mean, std })) {
    throw new KcError(
      `${name} is constant on the probe samples (every channel has zero variance): there is nothing to explain; pick another layer or more varied probe inputs`,
    );
  }
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = (t.data[i] - mean[i % c]) / scale;
  return { data, mean, scale };
}

/** The given samples of an NHWC array, as NCHW (the compute seam's layout). */
export function gatherNchw(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  samples: Int32Array,
): Float32Array {
  const [, h, w, c] = shape;
  const hw = h * w;
  const out = new Float32Array(samples.length * c * hw);
  samples.forEach((s, j) => {
    const src = s * hw * c,
      dst = j * c * hw;
    for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++) out[dst + ch * hw + p] = data[src + p * c + ch];
  });
  return out;
}

/** The given samples of an NHWC array, still NHWC (for the closed-form warm start). */
export function gatherNhwc(
  data: Float32Array,
  shape: readonly [number, number, number, number],
  samples: Int32Array,
): FeatureTensor {
  const [, h, w, c] = shape;
  const size = h * w * c;
  const out = new Float32Array(samples.length * size);
  samples.forEach((s, j) => out.set(data.subarray(s * size, (s + 1) * size), j * size));
  return { shape: [samples.length, h, w, c], data: out };
}
