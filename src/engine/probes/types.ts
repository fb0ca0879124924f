import type { ProbeNormalization } from '../../protocol/compare';
import type { CancelSignal } from '../cancel';
import type { TokenMode } from '../models/sequence';

/** One probe sample in its native form, before it is fitted to a model's input. Interleaved HWC float32. */
export interface RawImage {
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
  /** Where it came from (file name, "mnist test #17"), for messages. */
  origin: string;
}

/** How image pixels (decoded to [0, 1]) become model inputs: scaled to `range`, then (x − mean[c]) / std[c]. */
export type { ProbeNormalization };

/** Which probe inputs to use; `source` is 'mnist', 'synthetic', an image folder, or an .npy file. */
export interface ProbeSpec {
  source: string;
  count: number;
  /** Image probes only (MNIST, folders, synthetic): .npy inputs are used as stored. Default range [0, 1]. */
  normalization?: Partial<ProbeNormalization>;
  /** Seed of the synthetic noise. */
  seed?: number;
  /** Text probes: how sequence models' [N, T, C] features are compared (models/sequence.ts; default mean). */
  tokens?: TokenMode;
  /** Height and width fed to a model that takes any size (--input-size); default: see probes/input.ts. */
  inputSize?: [number, number];
}

/** An opened probe set: a fixed, ordered list of samples that can be streamed any number of times (once per model). */
export interface ProbeSource {
  /** As in ProbeInfo.source. */
  readonly source: string;
  readonly count: number;
  /** The samples' native form, e.g. "MNIST test split, 28×28 grayscale". */
  readonly description: string;
  /** The samples' size when they all share one (MNIST, .npy, synthetic); absent for image folders. */
  readonly size?: InputTarget;
  /** Whether the values are image pixels in [0, 1] (normalisation applies) or stored model inputs (used as is). */
  readonly pixels: boolean;
  /** Set when the data is not real (synthetic noise); shown as a warning in every report. */
  readonly warning?: string;
  /** Problems met while opening (skipped files, fewer samples than asked). */
  readonly warnings: string[];
  /** ProbeSpec.inputSize: the size fed to models that take any. */
  readonly inputSize?: [number, number];
  samples(signal?: CancelSignal): AsyncIterable<RawImage>;
}

/** A model's input as the probe must be fitted to it (NHWC without N); a non-positive size means "any". */
export interface InputTarget {
  height: number;
  width: number;
  channels: number;
  /** The input's element type (default float32): integer inputs are fed whole numbers. */
  dtype?: string;
  /** The pixel range the model's first ops or metadata call for, and why (models/input-range.ts). */
  range?: [number, number];
  rangeReason?: string;
}
