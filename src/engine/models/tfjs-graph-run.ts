import type * as tf from '@tensorflow/tfjs';

/** One run's output of one node, read back out of the wasm heap: `valid` samples, the run's padding cut off. */
export interface NodeOutput {
  shape: number[];
  data: Float32Array;
  /** Set where the values were scanned (on an extraction thread) and are all finite. */
  finite?: boolean;
}

/** What graph and layers models run alike, on the main thread or a worker thread (tfjs-thread.ts). */
export abstract class TfjsRunner {
  /** The model's outputs for the named nodes (or layers) on one input tensor. */
  protected abstract outputTensors(tfjs: typeof tf, input: tf.Tensor, names: string[]): Promise<tf.Tensor[]>;

  /**
   * One run: the input tensor made and released, every asked node read back by `readBack` (one copy out of the wasm heap
   * each; by default dataSync: the wasm backend's data() is the same copy behind a promise); the outputs are released
   * after.
   */
  async outputs(
    tfjs: typeof tf,
    batch: ModelRun,
    dtype: tf.DataType,
    names: string[],
    readBack: (t: tf.Tensor) => Float32Array = (t) => t.dataSync() as Float32Array,
  ): Promise<NodeOutput[]> {
    let input = tfjs.tensor(batch.data, batch.shape);
    if (dtype !== 'float32') {
      const cast = tfjs.cast(input, dtype);
      input.dispose();
      input = cast;
    }
    let outputs: tf.Tensor[];
    try {
      outputs = await this.outputTensors(tfjs, input, names);
    } finally {
      input.dispose();
    }
    return readOutputs(tfjs, outputs, batch.valid, readBack);
  }
}

/** Runs a graph model for named node outputs. */
export class GraphRunner extends TfjsRunner {
  private needsAsync = false;

  constructor(readonly model: tf.GraphModel) {
    super();
  }

  /** execute() where it works; models with control flow or dynamic shapes need executeAsync(). */
  async run(input: tf.Tensor, names: string[]): Promise<tf.Tensor[]> {
    let out: tf.Tensor | tf.Tensor[] | undefined;
    if (!this.needsAsync) {
      try {
        out = this.model.execute(input, names);
      } catch (e) {
        if (!/executeAsync/.test((e as Error).message)) throw e;
        this.needsAsync = true;
      }
    }
    out ??= await this.model.executeAsync(input, names);
    // One requested name comes back as a bare tensor.
    return Array.isArray(out) ? out : [out];
  }

  protected outputTensors(_tfjs: typeof tf, input: tf.Tensor, names: string[]): Promise<tf.Tensor[]> {
    return this.run(input, names);
  }
}

/** A run's batch as a thread or the main thread gets it: `shape` is what the model takes. */
export interface ModelRun {
  shape: number[];
  data: Float32Array;
  valid: number;
}

/** Runs a TF.js layers model for named layers' outputs: one multi-output tf.model over them, sharing the weights. */
export class LayersRunner extends TfjsRunner {
  private runner?: { key: string; model: tf.LayersModel };

  constructor(readonly model: tf.LayersModel) {
    super();
  }

  protected async outputTensors(tfjs: typeof tf, input: tf.Tensor, names: string[]): Promise<tf.Tensor[]> {
    const out = this.runnerFor(tfjs, names).predict(input) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? out : [out];
  }

  /** One multi-output model over the chosen layers; it shares the loaded weights, so it is cheap to build. */
  private runnerFor(tfjs: typeof tf, names: readonly string[]): tf.LayersModel {
    const key = names.join('\u0000');
    if (this.runner?.key === key) return this.runner.model;
    const outputs = names.map((n) => {
      const out = this.model.getLayer(n).output;
      return Array.isArray(out) ? out[0] : out;
    });
    const model = tfjs.model({ inputs: this.model.inputs, outputs });
    this.runner = { key, model };
    return model;
  }
}

/** Every output read back (the first `valid` samples), then all released. */
function readOutputs(
  tfjs: typeof tf,
  outputs: tf.Tensor[],
  valid: number,
  readBack: (t: tf.Tensor) => Float32Array,
): NodeOutput[] {
  const read: NodeOutput[] = [];
  try {
    for (const t of outputs) {
      const shape = [...t.shape];
      const all = readBack(t);
      const data = shape[0] === valid ? all : all.subarray(0, (all.length / shape[0]) * valid);
      shape[0] = valid;
      read.push({ shape, data });
    }
  } finally {
    tfjs.dispose(outputs);
  }
  return read;
}
