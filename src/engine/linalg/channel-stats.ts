/**
 * Per-channel statistics of NHWC features and the scale that standardises each channel, shared by the disentangler's
 * input normalisation and the ridge baseline so that both treat saturating units the same way.
 */
import type { FeatureTensor } from '../tensor';

/**
 * A channel whose std is below this fraction of the layer's RMS channel std counts as not varying. A saturating unit
 * (ReLU6, hard-sigmoid) that barely moves on the training split would otherwise be divided by its tiny std there and
 * turn a held-out sample where it does move into a huge input: published hard-sigmoid layers compared with themselves
 * read −2.2 and −4.6, each from one channel at 1.4e-3–2.5e-3 of the RMS std. 1e-2 catches those with margin (3e-3
 * gave the same, 1e-3 changed nothing) and keeps the method's invariance to channel scale over two orders of
 * magnitude. Measured in the disentangler README, "Saturating units".
 */
export const STD_FLOOR = 1e-2;

export interface ChannelStats {
  mean: Float64Array;
  std: Float64Array;
}

/**
 * Per-channel mean and (population) std over the given samples and all positions. Two passes (mean, then squared
 * deviations): the one-pass E[x²] − mean² cancels to noise when a channel's offset dwarfs its spread (a constant
 * channel of 123.456 over 10⁶ values read std 2.6e-4, i.e. varying). Features passed to rememberStats are computed
 * once per sample set.
 */
export function channelStats(t: FeatureTensor, samples: Int32Array): ChannelStats {
  const byData = remembered.get(t.data);
  if (!byData) return computeStats(t, samples);
  const key = `${t.shape.join('×')}|${samples.join(',')}`;
  let stats = byData.get(key);
  if (!stats) byData.set(key, (stats = computeStats(t, samples)));
  return { mean: stats.mean.slice(), std: stats.std.slice() };
}

const remembered = new WeakMap<Float32Array, Map<string, ChannelStats>>();

/**
 * A fit asks for the same layer's statistics up to six times (warnings, normalisation, its ridge measure): for
 * features that are never written again (a fit's layers, read from the store) they are remembered per sample set,
 * which took a 200 × 112×112×64 fit's 8.5 s of statistics to under 2 s. The answer forgets them again.
 */
export function rememberStats(...tensors: FeatureTensor[]): () => void {
  const added = [...new Set(tensors.map((t) => t.data))].filter((data) => !remembered.has(data));
  for (const data of added) remembered.set(data, new Map());
  return () => added.forEach((data) => remembered.delete(data));
}

function computeStats(t: FeatureTensor, samples: Int32Array): ChannelStats {
  const [, h, w, c] = t.shape;
  const data = t.data;
  const mean = new Float64Array(c),
    sq = new Float64Array(c);
  const perSample = h * w * c;
  for (const s of samples) {
    const end = (s + 1) * perSample;
    for (let i = s * perSample; i < end; i += c) for (let ch = 0; ch < c; ch++) mean[ch] += data[i + ch];
  }
  const count = samples.length * h * w;
  for (let ch = 0; ch < c; ch++) mean[ch] /= count;
  for (const s of samples) {
    const end = (s + 1) * perSample;
    for (let i = s * perSample; i < end; i += c)
      for (let ch = 0; ch < c; ch++) {
        const d = data[i + ch] - mean[ch];
        sq[ch] += d * d;
      }
  }
  return { mean, std: sq.map((v) => Math.sqrt(v / count)) };
}

/**
 * A spread below this fraction of a channel's own magnitude is float32 rounding, not variation: features are float32
 * (a unit in the last place is 6e-8–1.2e-7 of the value), so this is a few units of whatever computed them. Relative
 * to each channel's own values, so that a layer scaled by 1e-20 or 1e20 is judged as the same layer.
 */
export const CONSTANT_SPREAD = 1e-6;

/** Whether every channel is constant up to float32 rounding: std ≤ CONSTANT_SPREAD · √(mean² + std²), at any scale. */
export function isConstantLayer({ mean, std }: ChannelStats): boolean {
  return std.every((s, ch) => !(s > CONSTANT_SPREAD * Math.hypot(mean[ch], s)));
}

/** Channels whose std is below 1e-7 of the largest: constant up to float noise, no knowledge in them at all. */
export function constantChannels(std: Float64Array): number[] {
  const largest = Math.max(...std);
  return [...std.keys()].filter((ch) => !(std[ch] > 1e-7 * largest));
}

export interface ChannelScale {
  /** What standardises each channel: 1/std, or 0 for a channel whose std is below `floor` (left out). */
  scale: Float64Array;
  /** STD_FLOOR × the RMS of the channel stds (0 for a constant layer). */
  floor: number;
  /** Channels below the floor, constant ones included. */
  dropped: number[];
}

/**
 * 1/std per channel, except that a channel whose std is below the layer's floor gets 0: it barely moves on these
 * samples, so nothing about it can be learned from them, and dividing by its tiny std would blow up any other sample
 * where it does move.
 */
export function channelScale(std: Float64Array): ChannelScale {
  const floor = STD_FLOOR * Math.sqrt(std.reduce((acc, s) => acc + s * s, 0) / Math.max(1, std.length));
  const dropped = [...std.keys()].filter((ch) => !(std[ch] > floor));
  const scale = std.map((s) => (s > floor ? 1 / s : 0));
  return { scale, floor, dropped };
}
