import type { DisentanglerModel } from '../compute/types';
import { batchOf, type PairData } from './samples';
import { countedPositions, type Window } from './windows';

/**
 * Windows in equal chunks (±1) of at most `size`: no tiny last chunk with a noisy hidden std. A set that fits the
 * memory budget stays one chunk, so the "batch" hidden scale is that of the whole set.
 */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const count = Math.ceil(items.length / Math.max(1, size));
  return Array.from({ length: count }, (_, j) =>
    items.slice(Math.floor((j * items.length) / count), Math.floor(((j + 1) * items.length) / count)),
  );
}

/** The loss over a set of windows: chunk losses weighted by their counted positions (the gate penalty is the same in
 * each, so this is the set's MSE + the penalty). */
export async function setLoss(
  model: DisentanglerModel,
  pair: PairData,
  windows: readonly Window[],
  chunkSize: number,
): Promise<number> {
  let sum = 0;
  let weight = 0;
  for (const chunk of chunked(windows, chunkSize)) {
    const counted = chunk.reduce((a, w) => a + countedPositions(w, pair.geometry), 0);
    sum += (await model.loss(batchOf(pair, chunk))) * counted;
    weight += counted;
  }
  return sum / weight;
}
