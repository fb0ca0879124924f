/**
 * A pair's fits hold both layers' features whole (every probe sample), and a resampled copy of the explaining layer
 * when the two maps differ in size (disentangler/resample.ts). Two published 224×224 networks' early layers at 250
 * probes take ≈ 1.7 GB that way, beyond a 2 GB budget with the runtime: such a pair is fitted on as many probe
 * samples as its share of the memory budget holds, evenly spread over the probe set, and says so.
 */
import { KcError } from '../errors';
import type { Direction, PairKey } from '../../protocol/report';
import type { ExtractedFeatures } from './extract';

type PairFeatures = { fa: ExtractedFeatures; fb: ExtractedFeatures };

/** Both sides of the fit are one layer of one extraction (a model compared with itself): its features serve both. */
export function oneLayerBothSides(features: PairFeatures, fit: PairKey): boolean {
  return features.fa === features.fb && fit.layerA === fit.layerB;
}

/** The planned fits of `fit`'s layer pair (its directions): they share the pair's features. */
export function pairFits<K extends PairKey>(plan: readonly K[], fit: PairKey): K[] {
  return plan.filter((f) => f.layerA === fit.layerA && f.layerB === fit.layerB);
}

/** A planned pair's samples and bytes a sample (pairBytesPerSample), from the stored shapes and its directions. */
export function pairMemory(
  features: PairFeatures,
  plan: readonly PairKey[],
  fit: PairKey,
): { count: number; perSample: number } {
  const [shapeA, shapeB] = [features.fa.shape(fit.layerA), features.fb.shape(fit.layerB)];
  const directions = pairFits(plan, fit).map((f) => f.direction);
  const perSample = pairBytesPerSample(shapeA.slice(1), shapeB.slice(1), oneLayerBothSides(features, fit), directions);
  return { count: shapeA[0], perSample };
}

/** The least the fits' batches get of a budget that holds it (below, they would be too small to train well). */
export const MIN_FITS_BYTES = 256 * 2 ** 20;

/** What a lane's pair features may hold of `room` (the budget less what the process holds), leaving the batches at
 * least MIN_FITS_BYTES. A budget below what the process holds already cannot be honoured: it then bounds the batches
 * alone (Infinity). */
export function pairCapBytes(room: number, lanes: number): number {
  return room > MIN_FITS_BYTES + FIT_RESERVE_BYTES ? (room - MIN_FITS_BYTES - FIT_RESERVE_BYTES) / lanes : Infinity;
}

/** A fit's own arrays besides its batches and features (statistics, held-out maps, the similarity measures' Grams
 * and ridge rows): the budget went 30–140 MB over without it. */
export const FIT_RESERVE_BYTES = 128 * 2 ** 20;

/** Fewer samples than this leave a fit too few to train, validate and test on: the pair is skipped instead. */
export const MIN_PAIR_SAMPLES = 48;

/** [H, W, C] of a per-sample shape (dense [C] is 1×1×C). */
function hwc(sample: number[]): [number, number, number] {
  return sample.length >= 3
    ? [sample[0], sample[1], sample[2]]
    : [1, 1, sample.reduce((a, b) => a * Math.max(1, b), 1)];
}

/**
 * Bytes a sample of this pair takes while its fits run: the layers (one when a layer is compared with itself) and, for
 * maps of different sizes, the resampled copies its directions make (the explaining layer at the explained layer's
 * size) — all of them: one direction's copy may not be collected yet when the next is made (faceres conv_dw_1 with
 * movenet's 96×96×96 block_1_expand at 100 probes peaked 140 MB over the budget counting only the larger).
 */
export function pairBytesPerSample(
  sampleA: number[],
  sampleB: number[],
  oneLayer: boolean,
  directions: readonly Direction[],
): number {
  const [ha, wa, ca] = hwc(sampleA);
  const [hb, wb, cb] = hwc(sampleB);
  const layers = oneLayer ? ha * wa * ca : ha * wa * ca + hb * wb * cb;
  const sameSize = ha === hb && wa === wb;
  const copies = sameSize ? 0 : directions.reduce((sum, d) => sum + (d === 'A->B' ? hb * wb * ca : ha * wa * cb), 0);
  return 4 * (layers + copies);
}

/** How many of `count` samples of `bytesPerSample` a pair keeps under `capBytes` (all when they fit). */
export function samplesWithin(count: number, bytesPerSample: number, capBytes: number): number {
  return Math.min(count, Math.floor(capBytes / bytesPerSample));
}

/** The samples a pair is fitted on: undefined for all of them, else as many as `capBytes` holds, evenly spread. */
export function pairSamples(
  count: number,
  bytesPerSample: number,
  capBytes: number,
  pair: string,
): Int32Array | undefined {
  const kept = samplesWithin(count, bytesPerSample, capBytes);
  if (kept === count) return undefined;
  if (kept < Math.min(count, MIN_PAIR_SAMPLES)) {
    const needMb = Math.ceil((MIN_PAIR_SAMPLES * bytesPerSample) / 2 ** 20);
    throw new KcError(
      `${pair} needs ${needMb} MB for its features at the fewest samples a fit takes (${MIN_PAIR_SAMPLES}), more than the memory budget leaves (${Math.floor(capBytes / 2 ** 20)} MB): raise --memory (knowledgeConsistency.memoryBudgetMb)`,
      'invalid-input',
    );
  }
  return Int32Array.from({ length: kept }, (_, i) => Math.floor((i * count) / kept));
}
