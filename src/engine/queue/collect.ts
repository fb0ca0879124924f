import type { ConnectionOptions } from 'bullmq';
import type { PairResult, SkippedPair } from '../../protocol/report';
import type { CompareHooks } from '../compare';
import type { ProbeImages } from '../compare/probe-images';
import type { ProgressTracker } from '../progress';
import { runOnQueue, type DispatchHooks, type QueuedFit } from './dispatch';
import type { FitOutcome } from './fit-job';
import { queueProgress } from './progress';

export interface Collected {
  /** By job id; a fit is in one of the two. */
  pairs: Map<string, PairResult>;
  skipped: Map<string, SkippedPair>;
  outcomes: FitOutcome[];
  /** Fits that had finished before this run (earlier runs' results, kept in Redis). */
  reused: number;
}

/**
 * Runs a compare's fits on the queue and turns the outcomes into report entries as they arrive: the probe images go
 * under each ε map (the coordinator has the probe, workers do not) and each pair streams to the caller.
 */
export async function collect(
  fits: readonly QueuedFit[],
  connection: ConnectionOptions,
  images: Record<'A' | 'B', ProbeImages>,
  hooks: CompareHooks,
  progress: ProgressTracker,
  run: DispatchHooks['run'],
): Promise<Collected> {
  const collected: Collected = { pairs: new Map(), skipped: new Map(), outcomes: [], reused: 0 };
  const bar = queueProgress(progress, fits);
  let streamed = Promise.resolve();
  try {
    await runOnQueue(connection, fits, {
      signal: hooks.signal,
      run,
      onProgress: bar.onProgress,
      onWorkers: (workers) => {
        hooks.log?.(`kc workers connected to the queue: ${workers}`);
        bar.onWorkers(workers);
      },
      onOutcome: (fit, outcome, reused) => {
        collected.outcomes.push(outcome);
        if (reused) collected.reused++;
        bar.finished(fit);
        if ('skipped' in outcome) {
          const { layerA, layerB, direction } = fit.data;
          collected.skipped.set(fit.id, { layerA, layerB, direction, reason: outcome.skipped });
          hooks.log?.(`skipped: ${layerA} ↔ ${layerB} ${direction}: ${outcome.skipped}`);
          return;
        }
        const pair = outcome.pair;
        // In completion order, one at a time: the probe images are read from the probe, once each.
        streamed = streamed.then(async () => {
          await images[pair.direction === 'A->B' ? 'B' : 'A'].attach(pair, hooks.signal);
          collected.pairs.set(fit.id, pair);
          hooks.onPairResult?.(pair);
        });
      },
    });
  } catch (error) {
    // Pairs already in hand still reach the caller (a cancelled run keeps them).
    await streamed.catch(() => undefined);
    throw error;
  }
  await streamed;
  return collected;
}
