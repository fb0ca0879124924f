import type { Normalization } from '../../protocol/report';
import { KcError } from '../errors';
import { channelScale, channelStats, constantChannels, isConstantLayer, STD_FLOOR } from '../linalg/channel-stats';
import type { FeatureTensor } from '../tensor';

/**
 * x̃ or B inside the fit as an affine map of the raw features, applied when a batch is gathered (gather.ts), so no
 * normalised copy of a layer is ever held: value = (raw − shift[c]) · scale[c], or scale[s·C + c] per sample.
 */
export interface Affine {
  shift: Float64Array;
  scale: Float64Array;
  perSample: boolean;
}

export interface NormalizedSource {
  affine: Affine;
  /** Channels left out (zeros) because they barely vary on the training split (std below the layer's floor), less
   * those constant on every sample (warned of apart). */
  nearConstant: number[];
}

/**
 * x̃, the disentangler's input (method page §4):
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
  if (mode === 'dataset' || h * w === 1) {
    const shift = mode === 'dataset' ? mean : new Float64Array(c);
    return { affine: { shift, scale, perSample: false }, nearConstant };
  }
  const perSample = new Float64Array(n * c);
  for (let b = 0; b < n; b++) {
    const view: FeatureTensor = { shape: [1, h, w, c], data: t.data.subarray(b * h * w * c, (b + 1) * h * w * c) };
    const own = channelStats(view, Int32Array.of(0)).std;
    // A left-out channel stays zero in every sample; a flat sample map divides by its channel's dataset std.
    for (let ch = 0; ch < c; ch++) perSample[b * c + ch] = scale[ch] > 0 && own[ch] > floor ? 1 / own[ch] : scale[ch];
  }
  return { affine: { shift: new Float64Array(c), scale: perSample, perSample: true }, nearConstant };
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
  /** Centred per channel and divided by `scale`. */
  affine: Affine;
  mean: Float64Array;
  /** The overall std: sqrt(mean over channels of the per-channel variance) on the training samples. */
  scale: number;
}

/**
 * B inside the fit (method page §6): centred per channel, so a bias-free g can fit post-ReLU features, and scaled to
 * unit overall std, so that α weighs the same against the MSE for every layer and model. Values in B's units are
 * recovered as value·scale + mean.
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
  return { affine: { shift: mean, scale: new Float64Array(c).fill(1 / scale), perSample: false }, mean, scale };
}
