/**
 * The fits of a family or drift job as a flat list of independent jobs with stable keys: run here in a loop
 * (run-fits.ts), or later handed to a job queue such as BullMQ, one queue job per entry, the key as its job id (a BullMQ
 * custom id may contain no ':' and may not be an integer: keys never do). Fitting one job is a pure function of its
 * inputs (fitJob): the two feature tensors, the settings and the backend; nothing is read from or written to shared
 * state, so a worker on another machine gives the same result from the same features.
 */
import type { DriftAgainst, FitKey, FitResult } from '../../protocol/family';
import type { DisentangleSettings, PairResult } from '../../protocol/report';
import type { CancelSignal } from '../cancel';
import type { TrainingBackend } from '../compute/types';
import { disentangle } from '../disentangler/index';
import { ckaMatrix } from '../metrics/index';
import type { StepSink } from '../progress';
import type { FeatureTensor } from '../tensor';

export type FitJob = FitKey;

/** "fit-0to2-relu3": model 0's layer explains model 2's; the layer name is URI-encoded (no ':', no '/'). */
export function fitKey(layer: string, source: number, target: number): string {
  return `fit-${source}to${target}-${encodeURIComponent(layer)}`;
}

const job = (layer: string, source: number, target: number): FitJob => ({
  key: fitKey(layer, source, target),
  layer,
  source,
  target,
});

/** Every ordered pair i ≠ j of `count` models, layer by layer (so that a layer's features are read once). */
export function familyJobs(count: number, layers: readonly string[]): FitJob[] {
  return layers.flatMap((layer) =>
    Array.from({ length: count }, (_, i) => i).flatMap((i) =>
      Array.from({ length: count }, (_, j) => j)
        .filter((j) => j !== i)
        .map((j) => job(layer, i, j)),
    ),
  );
}

/**
 * Each checkpoint k explaining its reference: the last checkpoint (itself included: the measured ceiling) or
 * checkpoint k − 1 (none for the first).
 */
export function driftJobs(count: number, layers: readonly string[], against: DriftAgainst): FitJob[] {
  return layers.flatMap((layer) =>
    Array.from({ length: count }, (_, k) => k).flatMap((k) => {
      if (against === 'final') return [job(layer, k, count - 1)];
      return k > 0 ? [job(layer, k, k - 1)] : [];
    }),
  );
}

export interface FitJobContext {
  /** How warnings and errors name the source's and the target's layer, e.g. "mnist-cnn-seed1 relu3". */
  sourceName: string;
  targetName: string;
  backend: TrainingBackend;
  signal?: CancelSignal;
  onProgress?: StepSink;
  log?: (line: string) => void;
}

/**
 * One job: the disentangler fitted to explain `target` from `source` (features of the same probe samples), measured on
 * its held-out split.
 */
export async function fitJob(
  fit: FitJob,
  source: FeatureTensor,
  target: FeatureTensor,
  settings: DisentangleSettings,
  context: FitJobContext,
): Promise<{ result: FitResult; warnings: string[] }> {
  const pair = await disentangle(source, target, settings, {
    layerA: context.sourceName,
    layerB: context.targetName,
    direction: 'A->B',
    backend: context.backend,
    signal: context.signal,
    onProgress: context.onProgress,
    log: context.log,
    similarity: await fitSimilarity(source, target),
  });
  return { result: fitResult(fit, pair), warnings: pair.warnings ?? [] };
}

/**
 * Only linear CKA beside a fit (the other baselines are not reported here; here or on a queue worker), from the two
 * Grams built on onnxruntime: plain-loop linearCka took 1–2.5 s a fit on the samples' pool layers at 1000 probes, 10×
 * this.
 */
export async function fitSimilarity(source: FeatureTensor, target: FeatureTensor): Promise<{ linearCKA: number }> {
  return { linearCKA: (await ckaMatrix([source], [target], { estimator: 'biased' }))[0][0] };
}

/** A fit's line in the family or drift report, from the disentangler's full result (here or from a queue worker). */
export function fitResult(fit: FitJob, pair: PairResult): FitResult {
  return {
    ...fit,
    explained: pair.explained,
    orders: [...pair.orders].sort((a, b) => a.order - b.order).map((o) => o.fraction),
    linearCKA: pair.similarity.linearCKA,
    epochs: pair.training.epochs,
    seconds: pair.training.seconds,
  };
}
