/** The disentangler stage of a compare: every planned fit, its result streamed in plan order or its skip reason. */
import { throwIfCancelled, type CancelSignal } from '../cancel';
import type { TrainingBackend } from '../compute/types';
import { disentangle } from '../disentangler/index';
import { OverBudgetError } from '../disentangler/memory';
import { KcError, type KcErrorCode } from '../errors';
import { collectGarbage } from '../gc';
import type { ProgressTracker } from '../progress';
import type { FeatureTensor } from '../tensor';
import type { CompareListener } from '../../protocol/compare';
import type { DisentangleSettings, PairKey, PairResult, SkippedPair } from '../../protocol/report';
import type { ExtractedFeatures } from './extract';
import type { FitPool } from './fit-pool';
import { oneLayerBothSides, pairFits, pairMemory, pairSamples } from './pair-memory';
import type { ProbeImages } from './probe-images';

export interface FitHooks extends CompareListener {
  signal?: CancelSignal;
  log?(message: string): void;
}

/** KcError codes that say a pair's own features cannot be fitted (a constant layer, too few samples, NaN): that pair
 * is skipped, the others still run. Anything else (cancellation, an internal error) ends the job. */
export const PAIR_DATA_ERRORS: ReadonlySet<KcErrorCode> = new Set(['invalid-input', 'shape-mismatch', 'non-finite']);

/**
 * Runs the disentangler on every planned fit (pair × direction): on the pool's threads when there is one, up to its
 * size at a time, else one by one in this thread. Results stream in plan order whatever order they finish in. A fit
 * that fails on its pair's data is skipped with the reason; the other pairs complete. A pair's features are read
 * once for all its fits and dropped after the last.
 */
export async function runFits(
  plan: PairKey[],
  features: { fa: ExtractedFeatures; fb: ExtractedFeatures },
  settings: DisentangleSettings,
  runner: { backend: TrainingBackend; pool?: FitPool; budget: number; pairCap: number },
  images: Record<'A' | 'B', ProbeImages>,
  { hooks, progress }: { hooks: FitHooks; progress: ProgressTracker },
): Promise<{ pairs: PairResult[]; skipped: SkippedPair[] }> {
  const { pool } = runner;
  const lanes = pool?.size ?? 1;
  const budget = new SharedBudget(runner.budget, lanes);
  const loaded = new Map<
    string,
    { tensors: Promise<[FeatureTensor, FeatureTensor]>; samples?: Int32Array; count: number; left: number }
  >();
  const pairFeatures = (fit: PairKey) => {
    const key = JSON.stringify([fit.layerA, fit.layerB]);
    let entry = loaded.get(key);
    if (!entry) {
      const same = oneLayerBothSides(features, fit);
      const { count, perSample } = pairMemory(features, plan, fit);
      // may throw: the pair is skipped with the reason
      const samples = pairSamples(count, perSample, runner.pairCap, `${fit.layerA} ↔ ${fit.layerB}`);
      // a layer compared with itself is read once: the fits never write to features
      const tensors = same
        ? features.fa.read(fit.layerA, !!pool, samples).then((t): [FeatureTensor, FeatureTensor] => [t, t])
        : Promise.all([features.fa.read(fit.layerA, !!pool, samples), features.fb.read(fit.layerB, !!pool, samples)]);
      entry = { tensors, samples, count, left: pairFits(plan, fit).length };
      loaded.set(key, entry);
    }
    const release = () => {
      if (--entry.left > 0) return;
      loaded.delete(key);
      // its features are garbage now: collect them before another pair's are read
      setImmediate(collectGarbage);
    };
    return { tensors: entry.tensors, samples: entry.samples, count: entry.count, release };
  };
  const fits = progress.concurrentPairs();
  const outcomes: Array<PairResult | SkippedPair | undefined> = [];
  const results: PairResult[] = [];
  const skipped: SkippedPair[] = [];
  let emitted = 0;
  let flushing = Promise.resolve();
  const flush = async () => {
    for (let o = outcomes[emitted]; o; o = outcomes[emitted]) {
      outcomes[emitted++] = undefined;
      if ('reason' in o) skipped.push(o);
      else {
        await attachProbeImages(o, images[o.direction === 'A->B' ? 'B' : 'A'], hooks.signal);
        results.push(o);
        hooks.onPairResult?.(o);
      }
      // In flight for the host until its result is out.
      fits.finish(emitted);
    }
  };
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < plan.length && !failed) {
      throwIfCancelled(hooks.signal);
      const index = next++;
      const fit = plan[index];
      // Named before any await: fits start (and appear in progress) in plan order.
      const step = fits.start({ index: index + 1, count: plan.length, ...fit });
      step({ done: 0, total: settings.epochs });
      let release = () => undefined as void;
      try {
        const pair = pairFeatures(fit);
        release = pair.release;
        const [x, y] = await pair.tensors;
        const pairHooks = { onProgress: step, log: hooks.log, signal: hooks.signal };
        // disentangle takes A's and B's features in that order whatever the direction; it swaps them itself.
        const run = (memoryBytes: number) =>
          pool
            ? pool.run({ a: x, b: y, settings, ...fit, memoryBytes }, pairHooks)
            : disentangle(x, y, settings, { ...fit, ...pairHooks, backend: runner.backend, memoryBytes });
        const result = await budget.run(run);
        const noted = pair.samples ? onSubset(result, pair.samples, pair.count) : result;
        if (noted !== result) hooks.log?.(noted.warnings!.at(-1)!);
        outcomes[index] = noted;
      } catch (error) {
        if (!(error instanceof KcError && PAIR_DATA_ERRORS.has(error.code))) throw error;
        outcomes[index] = { ...fit, reason: error.message };
        hooks.log?.(`skipped: ${fit.layerA} ↔ ${fit.layerB} ${fit.direction}: ${error.message}`);
      } finally {
        release();
      }
      await (flushing = flushing.then(flush));
    }
  };
  await Promise.all(
    Array.from({ length: lanes }, () =>
      lane().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  return { pairs: results, skipped };
}

/**
 * A result fitted on a subset of the probe samples (pair-memory.ts): its ε-map samples renumbered to the probe set's,
 * and a warning and its sampling saying how many.
 */
function onSubset(result: PairResult, samples: Int32Array, count: number): PairResult {
  const probes =
    `${samples.length} of ${count} probe samples, evenly spread: all of them would not fit the memory budget ` +
    `(--memory, knowledgeConsistency.memoryBudgetMb)`;
  const maps = result.maps && {
    ...result.maps,
    samples: result.maps.samples?.map((s) => ({ ...s, index: samples[s.index] })),
  };
  return {
    ...result,
    ...(maps ? { maps } : {}),
    ...(result.sampling ? { sampling: { ...result.sampling, probes } } : {}),
    warnings: [
      ...(result.warnings ?? []),
      `${result.layerA} ↔ ${result.layerB} ${result.direction}: fitted on ${probes}`,
    ],
  };
}

/**
 * The memory budget of the fits that run at once: each gets an equal share; one that does not fit its share but fits
 * the whole budget waits until it can run alone, with all of it (later fits wait for it: no starving).
 */
class SharedBudget {
  private running = 0;
  private alone = false;
  private waitingAlone = 0;
  private readonly wake: Array<() => void> = [];

  constructor(
    private readonly bytes: number,
    private readonly lanes: number,
  ) {}

  async run<T>(fit: (memoryBytes: number) => Promise<T>): Promise<T> {
    let leave = await this.enter(false);
    try {
      return await fit(this.bytes / this.lanes);
    } catch (error) {
      if (!(this.lanes > 1 && error instanceof OverBudgetError && error.neededBytes <= this.bytes)) throw error;
      leave();
      leave = await this.enter(true);
      return await fit(this.bytes);
    } finally {
      leave();
    }
  }

  private async enter(alone: boolean): Promise<() => void> {
    if (alone) this.waitingAlone++;
    while (this.alone || (alone ? this.running > 0 : this.waitingAlone > 0))
      await new Promise<void>((resolve) => this.wake.push(resolve));
    if (alone) {
      this.waitingAlone--;
      this.alone = true;
    }
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      if (alone) this.alone = false;
      this.wake.splice(0).forEach((resolve) => resolve());
    };
  }
}

/** Puts the probe image (or a text's tokens) of each ε-map sample under it, as fed to the explained model (B for
 * A → B). */
export async function attachProbeImages(result: PairResult, images: ProbeImages, signal?: CancelSignal): Promise<void> {
  await images.attach(result, signal);
}
