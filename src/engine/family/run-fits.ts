import { throwIfCancelled, type CancelSignal } from '../cancel';
import { PAIR_DATA_ERRORS } from '../compare';
import type { ExtractedFeatures } from '../compare/extract';
import type { TrainingBackend } from '../compute/types';
import { KcError } from '../errors';
import type { ProgressTracker } from '../progress';
import type { FeatureTensor } from '../tensor';
import type { FitResult, SkippedFit } from '../../protocol/family';
import type { BackendInfo, DisentangleSettings } from '../../protocol/report';
import { fitJob, type FitJob } from './jobs';
import { memberFeatures } from './members';

export interface FitRun {
  fits: FitResult[];
  skipped: SkippedFit[];
  /** Each once, in the order met. */
  warnings: string[];
  seconds: number;
  /** What trained, when not this process's backend (queue workers: src/engine/queue/family.ts). */
  backend?: BackendInfo;
}

export interface FitRunHooks {
  signal?: CancelSignal;
  progress: ProgressTracker;
  log?: (line: string) => void;
  onFit?(fit: FitResult): void;
  onSkipped?(fit: SkippedFit, warning: string): void;
}

/**
 * Runs the jobs in order on the extracted features. A layer's features are read from the store once, when its first
 * job needs them, and dropped when the next layer starts: memory holds one layer of each model. A fit that fails on its
 * own data (a constant layer, NaN) is skipped with its reason, as in kc compare; anything else ends the run.
 */
export async function runFits(
  jobs: readonly FitJob[],
  features: ReadonlyArray<ExtractedFeatures | undefined>,
  names: readonly string[],
  settings: DisentangleSettings,
  backend: TrainingBackend,
  hooks: FitRunHooks,
): Promise<FitRun> {
  const started = performance.now();
  const fits: FitResult[] = [];
  const skipped: SkippedFit[] = [];
  const warnings = new Set<string>();
  let layer: string | undefined;
  let loaded = new Map<number, FeatureTensor>();
  const read = async (model: number): Promise<FeatureTensor> => {
    let tensor = loaded.get(model);
    if (!tensor) {
      tensor = await memberFeatures(features, model).read(layer!);
      loaded.set(model, tensor);
    }
    return tensor;
  };
  for (const [index, job] of jobs.entries()) {
    throwIfCancelled(hooks.signal);
    if (job.layer !== layer) {
      layer = job.layer;
      loaded = new Map();
    }
    const sourceName = `${names[job.source]} ${job.layer}`;
    const targetName = `${names[job.target]} ${job.layer}`;
    const step = hooks.progress.pair({
      index: index + 1,
      count: jobs.length,
      layerA: sourceName,
      layerB: targetName,
      direction: 'A->B',
    });
    step({ done: 0, total: settings.epochs });
    try {
      const { result, warnings: found } = await fitJob(job, await read(job.source), await read(job.target), settings, {
        sourceName,
        targetName,
        backend,
        signal: hooks.signal,
        onProgress: step,
        log: hooks.log,
      });
      found.forEach((w) => warnings.add(w));
      fits.push(result);
      hooks.onFit?.(result);
    } catch (error) {
      if (!(error instanceof KcError && PAIR_DATA_ERRORS.has(error.code))) throw error;
      const warning = `${sourceName} → ${targetName} skipped: ${error.message}`;
      skipped.push({ ...job, reason: error.message });
      warnings.add(warning);
      hooks.onSkipped?.({ ...job, reason: error.message }, warning);
    }
  }
  return { fits, skipped, warnings: [...warnings], seconds: (performance.now() - started) / 1000 };
}
