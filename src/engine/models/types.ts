import type { LayerInfo, ModelRef } from '../../protocol/report';
import type { PytorchOptions } from '../../protocol/torch-helper';
import type { CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import type { SequenceInputs, TokenMode } from './sequence';
import type { InputSpec } from './input-range';

/** A batch of preprocessed probe inputs, float32 NHWC; adapters of NCHW models transpose it themselves. */
export interface InputBatch {
  /** [n, H, W, C], e.g. [n, 28, 28, 1]. */
  shape: number[];
  data: Float32Array;
}

/** The probe inputs an extraction streams, batch by batch. */
export type InputBatches = AsyncIterable<InputBatch> | Iterable<InputBatch>;

/** Where extracted features go: the adapter streams batches into it, layer by layer. */
export interface FeatureSink {
  /**
   * Called once per layer and batch with NHWC (or [n, C]) float32 features of that batch. `checked.finite`: the
   * producer (an extraction thread) has found every value finite, so the sink need not scan them again. `data` is the
   * sink's only until the write returns (or its promise settles): the adapter may fill it again after, so a sink that
   * keeps features copies them.
   */
  write(layer: string, shape: number[], data: Float32Array, checked?: { finite?: boolean }): void | Promise<void>;
  /** Called once an extraction has written every batch (a store closes its files); not after a failure. */
  finish?(): Promise<void>;
}

/** One loaded model, whatever its format. */
export interface ModelAdapter {
  readonly ref: ModelRef;
  /** Input shape in NHWC without N, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** What the model says of its input's values (element type; pixel range when its first ops or metadata tell). */
  readonly input?: InputSpec;
  /** Set for sequence models: their inputs are token ids (and masks) by name, fed from a text probe. */
  readonly sequence?: SequenceInputs;
  /** All layers in depth order. */
  layers(): LayerInfo[];
  /** Runs probe inputs (NHWC, already preprocessed) through the model and streams the named layers' features. */
  extract(
    inputs: InputBatches,
    layerNames: readonly string[],
    sink: FeatureSink,
    options?: ExtractOptions,
  ): Promise<void>;
  dispose(): Promise<void>;
}

export interface ExtractOptions {
  signal?: CancelSignal;
  /** Reports samples done; `total` is the caller's `total` (or samples done so far when it is not given). */
  onProgress?: StepSink;
  /** How many samples the inputs hold, for progress. */
  total?: number;
  /** Sequence models: how [N, T, C] layers are written (models/sequence.ts); absent → as [N, 1, T, C]. */
  tokens?: TokenMode;
  /** Bytes the requested layers' features of one model run may take (default 32 MiB): sets the run's batch size. */
  memoryBudget?: number;
}

/** How a model file is opened: what only some formats need. */
export interface ModelOpenOptions {
  /** PyTorch files: the interpreter, the pickle opt-in and the input shape. */
  pytorch?: PytorchOptions;
  /** Where the model's own log lines go (the PyTorch helper's stderr); default: the process's stderr. */
  log?(line: string): void;
}
