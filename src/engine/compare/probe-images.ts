import type { CancelSignal } from '../cancel';
import { convertChannels, resizeBilinear, targetSize } from '../probes/image';
import { feedPlan } from '../probes/input';
import type { InputTarget, ProbeSource, RawImage } from '../probes/index';
import type { PairResult } from '../../protocol/report';

/** Largest side of a probe image carried in the report (the drill-down draws it at ~112 px). */
export const PROBE_IMAGE_SIDE = 64;

/** A probe sample as the report carries it under an ε map: HWC interleaved, values in [0, 1]. */
export interface ProbeImage {
  height: number;
  width: number;
  channels: number;
  values: number[];
}

/**
 * Probe samples by index (their position in the probe set, as the disentangler's split numbers them), fitted to one
 * model's input size and channels as extraction fits them but without the mean/std normalisation, so they can be
 * drawn; downsized to at most PROBE_IMAGE_SIDE. Each index is read once; later asks are answered from memory.
 */
export class ProbeImages {
  private readonly cache = new Map<number, ProbeImage>();

  constructor(
    private readonly probe: ProbeSource,
    private readonly target: InputTarget,
    /** Text probes compared by token position: the tokens of text i (ExtractedFeatures.tokensOf). */
    readonly tokensOf?: (index: number) => string[],
  ) {}

  async get(indices: number[], signal?: CancelSignal): Promise<Map<number, ProbeImage>> {
    const missing = new Set(indices.filter((i) => !this.cache.has(i) && i >= 0 && i < this.probe.count));
    if (missing.size > 0) await this.read(missing, signal);
    return new Map(indices.filter((i) => this.cache.has(i)).map((i) => [i, this.cache.get(i)!]));
  }

  /** Puts the probe image (or a text's tokens) of each of a result's ε-map samples under it (the images of the model
   * it explains). */
  async attach(result: PairResult, signal?: CancelSignal): Promise<void> {
    const samples = result.maps?.samples ?? [];
    const found = await this.get(
      samples.map((s) => s.index),
      signal,
    );
    for (const s of samples) {
      const image = found.get(s.index);
      if (image) s.image = image;
      const tokens = this.tokensOf?.(s.index);
      if (tokens?.length) s.tokens = tokens;
    }
  }

  private async read(wanted: Set<number>, signal?: CancelSignal): Promise<void> {
    const last = Math.max(...wanted);
    // The size extraction feeds (a model that accepts any gets one chosen by probes/input.ts), channels as batchesOf.
    const fed = feedPlan(this.probe, this.target).target;
    let fixed: InputTarget | undefined;
    let index = 0;
    for await (const image of this.probe.samples(signal)) {
      fixed ??= {
        ...targetSize(image, fed),
        channels: this.target.channels > 0 ? this.target.channels : image.channels,
      };
      if (wanted.has(index)) this.cache.set(index, thumbnail(image, fixed, this.probe.pixels));
      if (++index > last) break;
    }
  }
}

function thumbnail(image: RawImage, fit: InputTarget, pixels: boolean): ProbeImage {
  const c = fit.channels;
  const converted = convertChannels(image.data, image.height * image.width, image.channels, c, image.origin);
  const resized = resizeBilinear(converted, image.height, image.width, c, fit.height, fit.width);
  const scale = Math.min(1, PROBE_IMAGE_SIDE / Math.max(fit.height, fit.width));
  const height = Math.max(1, Math.round(fit.height * scale));
  const width = Math.max(1, Math.round(fit.width * scale));
  const small = resizeBilinear(resized, fit.height, fit.width, c, height, width);
  return { height, width, channels: c, values: toUnit(small, pixels) };
}

/** Pixel probes are already in [0, 1] (clamped after resizing); stored model inputs (.npy) are stretched to it. */
function toUnit(data: Float32Array, pixels: boolean): number[] {
  let lo = 0;
  let hi = 1;
  if (!pixels) {
    lo = Infinity;
    hi = -Infinity;
    for (const v of data)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    if (!(hi > lo)) return Array.from(data, () => 0);
  }
  // Three decimals are plenty for a thumbnail and keep the report small.
  return Array.from(data, (v) =>
    Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 1000) / 1000 : 0,
  );
}
