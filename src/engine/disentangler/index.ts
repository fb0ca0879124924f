/**
 * The paper's disentangler (method page §2–§3): x_target = g(x_source) + ε, g split into orders of fuzziness,
 * fitted on a training split and measured on the held-out split, averaged over seeds.
 */
import type { DisentangleSettings, Direction, PairResult, SimilarityMeasures } from '../../protocol/report';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import { getTrainingBackend } from '../compute/index';
import type { TrainingBackend } from '../compute/types';
import { channelStats, constantChannels, rememberStats } from '../linalg/channel-stats';
import type { FeatureTensor } from '../tensor';
import { aggregate } from './aggregate';
import { fitOnce, type FitOnce } from './fit';
import { channelList } from './normalize';
import { resampleTo } from './resample';
import { pairSimilarity } from './similarity';
import { validatePair } from './validate';

export { resolveSettings, PRESETS } from './settings';
export { validatePair } from './validate';
export { probeSplitSizes, validationSize } from './holdout';

export interface DisentangleOptions {
  layerA: string;
  layerB: string;
  /** "A->B": fit B's features from A's (a explains b); "B->A": the reverse. Never symmetrised. */
  direction: Direction;
  /** Defaults to getTrainingBackend('auto'): onnxruntime-node, or the TF.js reference when ORT cannot load. */
  backend?: TrainingBackend;
  signal?: CancelSignal;
  onProgress?: StepSink;
  log?: (line: string) => void;
  /** The pair's similarity measures when the caller already computed them (e.g. for the all-pairs matrix) on the
   * same features, in this direction, with settings.seed; otherwise computed here. */
  similarity?: SimilarityMeasures;
  /** Bytes this fit's batches may take (batch size and held-out chunks follow); default 2048 MB. */
  memoryBytes?: number;
}

/** Features `a` (of layerA) and `b` (of layerB) on the same probe samples → one pair's result in one direction. */
export async function disentangle(
  a: FeatureTensor,
  b: FeatureTensor,
  settings: DisentangleSettings,
  options: DisentangleOptions,
): Promise<PairResult> {
  // Nothing writes the features during a fit: their statistics are computed once.
  const forget = rememberStats(a, b);
  try {
    return await disentanglePair(a, b, settings, options);
  } finally {
    forget();
  }
}

async function disentanglePair(
  a: FeatureTensor,
  b: FeatureTensor,
  settings: DisentangleSettings,
  options: DisentangleOptions,
): Promise<PairResult> {
  const { layerA, layerB, direction } = options;
  const [nameA, nameB] = layerLabels(layerA, layerB);
  validatePair(a, b, nameA, nameB, settings.testFraction);
  const forward = direction === 'A->B';
  const [sourceRaw, target] = forward ? [a, b] : [b, a];
  const [sourceName, targetName] = forward ? [nameA, nameB] : [nameB, nameA];
  const { tensor: source, how } = resampleTo(sourceRaw, target.shape[1], target.shape[2]);
  const resampled = how ? `${forward ? 'A' : 'B'} resampled ${how}` : undefined;
  if (resampled) {
    options.log?.(`${layerA} ↔ ${layerB} ${direction}: ${resampled}`);
    rememberStats(source); // a copy of its own, gone with this fit
  }
  const warnings = [...constantChannelWarning(source, sourceName), ...constantChannelWarning(target, targetName)];
  warnings.forEach((w) => options.log?.(w));

  const backend = options.backend ?? (await getTrainingBackend('auto', options.log));
  const fits: FitOnce[] = [];
  for (let r = 0; r < settings.seeds; r++) {
    throwIfCancelled(options.signal);
    const seed = settings.seed + r;
    const note = settings.seeds > 1 ? `seed ${r + 1}/${settings.seeds}` : undefined;
    fits.push(
      await fitOnce(source, target, { source: sourceName, target: targetName }, settings, seed, backend, {
        signal: options.signal,
        onProgress: options.onProgress,
        note,
        memoryBytes: options.memoryBytes,
      }),
    );
  }
  throwIfCancelled(options.signal);
  // Once, on the first seed's split: CKA, CCA and Procrustes use all samples and do not depend on the seed.
  if (!options.similarity)
    options.onProgress?.({ done: settings.epochs, total: settings.epochs, detail: 'similarity measures' });
  const similarity = options.similarity ?? (await pairSimilarity(source, target, settings, settings.seed));
  const result = aggregate(fits, settings.seed);
  // Seeds share the split sizes, so their warnings repeat: each once.
  const fitWarnings = [...new Set(fits.flatMap((f) => f.warnings))].map(
    (w) => `${layerA} ↔ ${layerB} ${direction}: ${w}`,
  );
  fitWarnings.forEach((w) => options.log?.(w));
  const underdetermined = underdeterminedWarning(source, sourceName, fits[0].training.samples?.fit).map(
    (w) => `${layerA} ↔ ${layerB} ${direction}: ${w}`,
  );
  underdetermined.forEach((w) => options.log?.(w));
  warnings.push(...fitWarnings, ...underdetermined);
  return {
    layerA,
    layerB,
    direction,
    shapeA: a.shape.slice(1),
    shapeB: b.shape.slice(1),
    ...(resampled ? { resampled } : {}),
    explained: result.explained,
    explainedInterval: result.explainedInterval,
    interval: result.interval,
    orders: result.orders,
    inconsistent: result.inconsistent,
    varianceB: result.varianceB,
    similarity,
    training: result.training,
    maps: result.maps,
    ...(result.spread ? { spread: result.spread } : {}),
    // Seeds share the geometry and split sizes, so the first seed's words hold for all.
    sampling: fits[0].sampling,
    ...(warnings.length ? { warnings } : {}),
  };
}

/**
 * A dense explaining layer with fewer fit samples than varying channels: its linear map is underdetermined, so the
 * warm start's ridge shrinkage is chosen on the validation set (warm-start.ts) and the held-out number is a lower
 * bound with a wide interval (issue 13: a 1280-channel pooled layer with 43 fit samples read 0.331 for itself).
 */
function underdeterminedWarning(source: FeatureTensor, name: string, fit: number | undefined): string[] {
  const [n, h, w, c] = source.shape;
  if (fit === undefined || h * w !== 1) return [];
  const varying =
    c -
    constantChannels(
      channelStats(
        source,
        Int32Array.from({ length: n }, (_, i) => i),
      ).std,
    ).length;
  if (fit >= varying) return [];
  return [
    `${name}: ${fit} fit samples for ${varying} varying channels (dense): the linear map is underdetermined, so it is regularised by ridge shrinkage chosen on the validation set; read the explained fraction as a lower bound with its interval, and give at least ${varying + Math.ceil(varying / 2)} probes for a well-determined fit`,
  ];
}

/** How error messages and warnings name the two layers. */
export function layerLabels(layerA: string, layerB: string): [string, string] {
  return [`layer A "${layerA}"`, `layer B "${layerB}"`];
}

/**
 * A warning naming the constant channels of a layer (they are kept: they normalise to zeros, never NaN). An entirely
 * constant explaining layer is a valid answer, not an error: nothing of the other can be predicted from it (0).
 */
function constantChannelWarning(t: FeatureTensor, name: string): string[] {
  const dead = constantChannels(
    channelStats(
      t,
      Int32Array.from({ length: t.shape[0] }, (_, i) => i),
    ).std,
  );
  if (dead.length === 0) return [];
  if (dead.length === t.shape[3]) return [`${name} is constant on the probe samples: it carries no information`];
  return [
    `${name}: ${dead.length} of ${t.shape[3]} channels are constant on the probe samples (${channelList(dead)}); they carry no knowledge to compare`,
  ];
}
