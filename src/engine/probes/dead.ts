/**
 * Inputs in the wrong range leave a network's late layers dead: a face model fed [0, 1] instead of 0..255 had 981 of
 * 1024 channels of a late layer constant on the probes, and its comparison read ≈ 0 with nothing hinting at why.
 * After extraction, the deepest compared layer of each model is checked; most of its channels constant means the
 * probe is not what the model expects, and the warning says what was fed and how to change it.
 */
import type { LayerInfo, ProbeInput } from '../../protocol/report';
import { channelStats } from '../linalg/channel-stats';
import type { FeatureTensor } from '../tensor';

/** Above this fraction of constant channels a layer counts as dead. */
export const DEAD_FRACTION = 0.5;
/** A channel whose std is below this fraction of the layer's largest channel std is constant (a dead ReLU: 0). */
const DEAD_SPREAD = 1e-4;

/** How many of the layer's channels do not vary over the probe samples and positions. */
export function deadChannels(features: FeatureTensor): { dead: number; channels: number } {
  const all = Int32Array.from({ length: features.shape[0] }, (_, i) => i);
  const { std } = channelStats(features, all);
  const largest = std.reduce((m, s) => Math.max(m, s), 0);
  const dead = std.reduce((n, s) => n + (s <= DEAD_SPREAD * largest ? 1 : 0), 0);
  return { dead, channels: std.length };
}

/** The warning for a layer most of whose channels are constant on the probes, or undefined. */
export function deadChannelsWarning(
  model: string,
  layer: string,
  features: FeatureTensor,
  input: ProbeInput | undefined,
): string | undefined {
  const { dead, channels } = deadChannels(features);
  if (channels < 2 || dead <= DEAD_FRACTION * channels) return undefined;
  const fed = input?.range ? `pixels in ${input.range[0]}..${input.range[1]}` : 'the probe as stored';
  const why =
    input?.rangeSource === 'default'
      ? 'nothing in the model said which range it expects; if it was trained on 0..255 pixels (or −1..1), set --input-range 0,255 (or -1,1) or the setting knowledgeConsistency.inputRange'
      : input?.rangeSource === 'option'
        ? 'check --input-range / knowledgeConsistency.inputRange against what the model was trained on'
        : "check that the probe looks like the model's data";
  return `model ${model}: ${dead} of ${channels} channels of ${layer} are constant on the probes (dead): the inputs may not be what the model expects (fed ${fed}); ${why}`;
}

/** The deepest of `names` with at least 8 channels: late enough for wrong inputs to have killed it. */
export function lateLayer(layers: readonly LayerInfo[], names: readonly string[]): string | undefined {
  const wanted = new Set(names);
  const candidates = layers.filter((l) => wanted.has(l.name) && (l.shape[l.shape.length - 1] ?? 0) >= 8);
  return candidates.sort((x, y) => y.depth - x.depth)[0]?.name;
}

/** Checks one model's late layer among the extracted ones; the warning when it is dead. */
export async function deadInputWarning(
  model: string,
  layers: readonly LayerInfo[],
  names: readonly string[],
  features: { read(layer: string): Promise<FeatureTensor> },
  input: ProbeInput | undefined,
): Promise<string | undefined> {
  const layer = lateLayer(layers, names);
  return layer === undefined ? undefined : deadChannelsWarning(model, layer, await features.read(layer), input);
}
