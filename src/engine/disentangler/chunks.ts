import type { DisentanglerModel } from '../compute/types';
import { slice, type SampleSet } from './samples';

/**
 * Held-out passes run in chunks of at most this many input + target values, so that a large held-out set (say
 * 2000 samples of 28×28×64) never needs one multi-gigabyte batch. Small sets stay one chunk, so the hidden-std
 * statistics of the "batch" scale are those of the whole held-out set.
 */
const CHUNK_VALUES = 1 << 24;

function chunks(set: SampleSet, maxValues: number): Int32Array[] {
  const perSample = (set.x.length + set.y.length) / set.n;
  const size = Math.max(1, Math.floor(maxValues / perSample));
  const count = Math.ceil(set.n / size);
  // Equal-sized chunks (±1 sample): no tiny last chunk with a noisy hidden std.
  return Array.from({ length: count }, (_, j) => {
    const from = Math.floor((j * set.n) / count),
      to = Math.floor(((j + 1) * set.n) / count);
    return Int32Array.from({ length: to - from }, (_, i) => from + i);
  });
}

/** The loss over a whole set: the sample-weighted mean of the chunk losses (the gate penalty is the same in each). */
export async function setLoss(model: DisentanglerModel, set: SampleSet, maxValues = CHUNK_VALUES): Promise<number> {
  let sum = 0;
  for (const ids of chunks(set, maxValues)) sum += (await model.loss(slice(set, ids))) * ids.length;
  return sum / set.n;
}

/** The K + 1 order components of a whole set, NCHW, chunks concatenated in sample order. */
export async function setComponents(
  model: DisentanglerModel,
  set: SampleSet,
  maxValues = CHUNK_VALUES,
): Promise<Float32Array[]> {
  const parts = chunks(set, maxValues);
  if (parts.length === 1) return model.components({ n: set.n, x: set.x });
  const out: Float32Array[] = [];
  let offset = 0;
  for (const ids of parts) {
    const comps = await model.components({ n: ids.length, x: slice(set, ids).x });
    comps.forEach((c, k) => {
      out[k] ??= new Float32Array((set.y.length / set.n) * set.n);
      out[k].set(c, offset);
    });
    offset += comps[0].length;
  }
  return out;
}
