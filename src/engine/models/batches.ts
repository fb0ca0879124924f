import { throwIfCancelled, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import { quoteRef } from './model-files';
import type { LayerInfo } from '../../protocol/report';
import type { ExtractOptions, InputBatch, InputBatches } from './types';

/** One model run: `valid` leading samples are real, the rest zero padding (only for fixed-batch models). */
export interface RunBatch extends InputBatch {
  valid: number;
}

/**
 * Re-cuts the caller's probe batches into runs of at most `size` samples (exactly `size`, the last one padded,
 * when the model's batch dimension is fixed), so that one run's features stay within the adapter's memory budget
 * whatever batch the probe streams.
 */
export async function* rebatch(
  inputs: InputBatches,
  size: number,
  options: { exact?: boolean; signal?: CancelSignal } = {},
): AsyncGenerator<RunBatch> {
  let pending: InputBatch | undefined;
  for await (const batch of inputs) {
    throwIfCancelled(options.signal);
    const [n, ...sample] = batch.shape;
    const per = sample.reduce((a, b) => a * b, 1);
    if (batch.data.length !== n * per) {
      throw new KcError(
        `probe batch has ${batch.data.length} values, shape [${batch.shape.join(', ')}] needs ${n * per}`,
        'shape-mismatch',
      );
    }
    let current: InputBatch = pending ? concat(pending, batch) : batch;
    pending = undefined;
    while (current.shape[0] >= size) {
      yield { ...slice(current, 0, size), valid: size };
      current = slice(current, size, current.shape[0]);
    }
    if (current.shape[0] > 0) {
      if (options.exact) pending = current;
      else yield { ...current, valid: current.shape[0] };
    }
  }
  if (pending) {
    const data = new Float32Array((pending.data.length / pending.shape[0]) * size);
    data.set(pending.data);
    yield { shape: [size, ...pending.shape.slice(1)], data, valid: pending.shape[0] };
  }
}

function slice(batch: InputBatch, from: number, to: number): InputBatch {
  const per = batch.data.length / batch.shape[0];
  return { shape: [to - from, ...batch.shape.slice(1)], data: batch.data.subarray(from * per, to * per) };
}

function concat(a: InputBatch, b: InputBatch): InputBatch {
  if (a.shape.slice(1).join() !== b.shape.slice(1).join()) {
    throw new KcError(
      `probe batches change shape: [${a.shape.join(', ')}] then [${b.shape.join(', ')}]`,
      'shape-mismatch',
    );
  }
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { shape: [a.shape[0] + b.shape[0], ...a.shape.slice(1)], data };
}

/**
 * The largest fixed batch dimension a model may declare. Every run is padded to the fixed batch, so a declared
 * 1,000,000 would allocate gigabytes for a handful of probes; real exports fix 1 to a few hundred.
 */
export const MAX_FIXED_BATCH = 4096;

/**
 * The batch size a model input fixes (undefined when dynamic). Above MAX_FIXED_BATCH the model is refused rather
 * than run with fewer samples: onnxruntime rejects a batch other than the declared one, and a graph may hard-code
 * its batch in reshapes.
 */
export function fixedBatchOf(dim: number | string | null | undefined, file: string, input: string): number | undefined {
  if (typeof dim !== 'number' || !(dim > 0)) return undefined;
  if (dim > MAX_FIXED_BATCH) {
    throw new KcError(
      `${file}: input ${quoteRef(input)} fixes the batch at ${dim} samples per run; kc pads every run to a fixed batch and accepts at most ${MAX_FIXED_BATCH}: export the model with a dynamic (or smaller) batch dimension`,
      'unsupported',
    );
  }
  return dim;
}

/** Samples per run so that the requested layers' outputs of one run take about `budgetBytes` (at least 1). */
export function runSize(floatsPerSample: number, budgetBytes = 32 * 2 ** 20, cap = 256): number {
  return Math.max(1, Math.min(cap, Math.floor(budgetBytes / Math.max(1, floatsPerSample * 4))));
}

/** Floats of one sample's features of the chosen layers; unknown (dynamic) dimensions count as 64. */
export function runFloats(chosen: readonly LayerInfo[]): number {
  return chosen.reduce((s, l) => s + l.shape.slice(1).reduce((a, b) => a * (b > 0 ? b : 64), 1), 0);
}

/**
 * The runs of one extraction: the probe batches re-cut to the model's run size (its fixed batch, else what the memory
 * budget allows for the chosen layers' features), with cancellation checked before and progress reported after each
 * run. The adapters only run the model on each.
 */
export async function* extractionRuns(
  inputs: InputBatches,
  chosen: readonly LayerInfo[],
  fixedBatch: number | undefined,
  options: ExtractOptions,
): AsyncGenerator<RunBatch> {
  const size = fixedBatch ?? runSize(runFloats(chosen), options.memoryBudget);
  let done = 0;
  for await (const batch of rebatch(inputs, size, { exact: fixedBatch !== undefined, signal: options.signal })) {
    throwIfCancelled(options.signal);
    yield batch;
    done += batch.valid;
    options.onProgress?.({ done, total: options.total ?? done });
  }
}

/** A run's features without the zero padding of a fixed-batch model's last run: the first `valid` samples. */
export function validSamples(data: Float32Array, runSamples: number, valid: number): Float32Array {
  return runSamples === valid ? data : data.subarray(0, (data.length / runSamples) * valid);
}
