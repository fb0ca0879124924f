/**
 * Where a compare's disentangler fits run: on this machine's fit threads (here) or on a kc worker queue
 * (queue/compare.ts). runCompare does everything else — models, probe, pairing, extraction, the similarity matrix, the
 * report — the same way for both.
 */
import type { CompareOptions } from '../../protocol/compare';
import type {
  BackendInfo,
  DisentangleSettings,
  Direction,
  LayerInfo,
  PairKey,
  PairResult,
  RunPlan,
  SkippedPair,
} from '../../protocol/report';
import type { CompareHooks } from '../compare';
import type { TrainingBackend } from '../compute/types';
import { DEFAULT_MEMORY_MB } from '../disentangler/memory';
import { collectGarbage } from '../gc';
import type { ProgressTracker } from '../progress';
import { featureBytes, type CompareShape } from './cost';
import { planRun, type PlanInput } from './estimate';
import type { StoredFeatures } from './extract';
import { FitPool, fitConcurrency } from './fit-pool';
import { runFits } from './fits';
import { FIT_RESERVE_BYTES, MIN_FITS_BYTES, pairCapBytes, pairMemory } from './pair-memory';
import type { ProbeImages } from './probe-images';

export interface FitPlanInput extends Omit<PlanInput, 'plan'> {
  /** The layer pairs the pairing chose, and the directions asked. */
  pairs: ReadonlyArray<{ layerA: string; layerB: string }>;
  directions: readonly Direction[];
}

export interface FitRunInput {
  fits: PairKey[];
  features: { fa: StoredFeatures; fb: StoredFeatures };
  settings: DisentangleSettings;
  backend: TrainingBackend;
  /** The models' content hashes (queue jobs are keyed by them) and names. */
  models: { a: { name: string; sha256?: string }; b: { name: string; sha256?: string } };
  images: Record<'A' | 'B', ProbeImages>;
  hooks: CompareHooks;
  progress: ProgressTracker;
}

export interface FitsDone {
  pairs: PairResult[];
  skipped: SkippedPair[];
  /** What computed the fits, when not what the header named (the queue's workers). */
  backend?: BackendInfo;
  warnings: string[];
}

export interface FitRunner {
  /** The fits to run, in report order; `plan` is what the header says of them, `probes` the count to run. */
  plan(input: FitPlanInput): Promise<{ fits: PairKey[]; probes: number; plan?: RunPlan }>;
  /** The backend the header names before any fit ran. */
  headerBackend(backend: TrainingBackend): Promise<BackendInfo>;
  run(input: FitRunInput): Promise<FitsDone>;
  dispose(): Promise<void>;
}

/**
 * Fits on this machine: the cost model's plan (a budget may choose fewer probes and pairs), then the fits two at a
 * time on worker threads (fit-pool.ts) within the memory budget.
 */
export function localFitRunner(options: CompareOptions): FitRunner {
  let pool: FitPool | undefined;
  return {
    async plan({ pairs, directions, ...input }) {
      const asked = pairs.flatMap((p) => directions.map((direction) => ({ ...p, direction })));
      const planned = await planRun({ ...input, plan: asked });
      const largest = largestPairBytes(planned.fits, planned.shape, planned.probes);
      const concurrency = Math.min(fitConcurrency(largest, planned.shape.memoryBytes), planned.fits.length);
      if (concurrency > 1) pool = new FitPool(concurrency, options.backend ?? 'auto');
      return { fits: planned.fits, probes: planned.probes, plan: planned.plan };
    },
    headerBackend: async (backend) => (pool ? pool.info() : backend.info),
    async run({ fits, features, settings, backend, images, hooks, progress }) {
      const total = (options.memoryBudgetMb ?? DEFAULT_MEMORY_MB) * 2 ** 20;
      const { batches, pairCap, rss } = fitsShare(total, fits, features, pool?.size ?? 1);
      const runner = { backend, pool, budget: batches, pairCap };
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      hooks.log?.(
        `fits: ${mb(rss)} of the ${mb(total)} MB memory budget held before them; ` +
          `${Number.isFinite(pairCap) ? `a pair's features up to ${mb(pairCap)} MB, ` : ''}batches ${mb(batches)} MB`,
      );
      const done = await runFits(fits, features, settings, runner, images, { hooks, progress });
      return { ...done, warnings: [] };
    },
    dispose: async () => pool?.dispose(),
  };
}

/** Bytes of the largest pair's features at `probes` samples (a layer paired with itself in a model compared with
 * itself is held once). */
function largestPairBytes(fits: PairKey[], shape: CompareShape, probes: number): number {
  const layer = (layers: LayerInfo[], name: string) => layers.find((l) => l.name === name);
  const bytes = (f: PairKey) =>
    featureBytes(
      f.layerA === f.layerB && shape.sameModel
        ? [layer(shape.layersA, f.layerA)]
        : [layer(shape.layersA, f.layerA), layer(shape.layersB, f.layerB)],
      probes,
    );
  return Math.max(0, ...fits.map(bytes));
}

/**
 * What the fits may take of the run's memory budget, which is for the whole process: what it holds already (this
 * process's resident memory: runtime, models' leftovers) comes off it first. Of the rest, a lane's pair features get
 * up to `pairCap` (a bigger pair is fitted on fewer samples: pair-memory.ts), leaving the batches at least
 * MIN_FITS_BYTES; `batches` is what the batches get beside a fit's own arrays and the features of the pairs in memory
 * at once (one a lane: a lane may start the next pair while another still fits the last).
 */
function fitsShare(
  total: number,
  fits: PairKey[],
  features: FitRunInput['features'],
  lanes: number,
): { batches: number; pairCap: number; rss: number } {
  collectGarbage(); // what extraction and the matrix left is garbage: measure what is held
  const rss = process.memoryUsage().rss;
  const room = total - rss;
  const pairCap = pairCapBytes(room, lanes);
  const pairBytes = (f: PairKey) => {
    const { count, perSample } = pairMemory(features, fits, f);
    return Math.min(count * perSample, pairCap);
  };
  // a pair's directions share its features: each pair once
  const pairs = new Map(fits.map((f) => [JSON.stringify([f.layerA, f.layerB]), pairBytes(f)]));
  const held = [...pairs.values()]
    .sort((a, b) => b - a)
    .slice(0, lanes)
    .reduce((a, b) => a + b, 0);
  return { batches: Math.max(Math.min(total, MIN_FITS_BYTES), room - held - FIT_RESERVE_BYTES), pairCap, rss };
}
