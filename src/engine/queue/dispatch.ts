/**
 * The coordinator's side of the fit queue: publishes fits as BullMQ jobs under their stable ids, reuses those that
 * already finished (in an earlier run, or another coordinator's), and collects the outcomes as workers finish them.
 */
import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { StepProgress } from '../../protocol/progress';
import type { QueueRunRecord } from '../../protocol/queue-status';
import { CancelledError, type CancelSignal } from '../cancel';
import type { FitJobData, FitOutcome } from './fit-job';
import { FIT_QUEUE } from './redis';
import { announceRun, markCoordinator, readCoordinator, runId, writeRun, type RunStore } from './run-record';

export interface QueuedFit {
  /** Stable across runs (job-id.ts): the BullMQ job id. */
  id: string;
  data: FitJobData;
}

export interface DispatchHooks {
  signal?: CancelSignal;
  /** What the run is: recorded in Redis under the run's id, for kc status (run-record.ts). */
  run?: Pick<QueueRunRecord, 'command' | 'models'>;
  /** A fit's training progress as its worker reports it (`worker`: its name). */
  onProgress?(fit: QueuedFit, step: StepProgress & { worker?: string }): void;
  /** A fit's outcome; `reused`: it had finished before this run published it. */
  onOutcome?(fit: QueuedFit, outcome: FitOutcome, reused: boolean): void;
  /** Workers connected to the queue, when the count changes (0: nothing will run until one starts). */
  onWorkers?(count: number): void;
}

const JOB_OPTIONS: JobsOptions = {
  // A fit that throws (a worker's backend failing, say) is tried on up to three workers, 2, then 4 s apart.
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  // Finished jobs are the results a rerun reuses: kept 30 days, so Redis does not grow without bound.
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** How often the coordinator checks its fits' states besides the events (an event lost in a reconnect, a job
 * removed by another coordinator) and the cancel signal. */
const RECONCILE_MS = 2000;
const CANCEL_POLL_MS = 200;

/** Runs the fits on the queue's workers (connection: from connectRedis); resolves with every fit's outcome by id. */
export async function runOnQueue(
  connection: ConnectionOptions,
  fits: readonly QueuedFit[],
  hooks: DispatchHooks = {},
): Promise<Map<string, FitOutcome>> {
  const queue = new Queue<FitJobData, FitOutcome>(FIT_QUEUE, { connection });
  const events = new QueueEvents(FIT_QUEUE, { connection });
  const byId = new Map(fits.map((f) => [f.id, f]));
  const outcomes = new Map<string, FitOutcome>();
  /** Fits re-published because a job with their id but another run's feature files failed. */
  const republished = new Set<string>();
  let failure: Error | undefined;
  let wake = () => {};
  let store: RunStore | undefined;
  let record: QueueRunRecord | undefined;

  const finish = (id: string, outcome: FitOutcome, reused: boolean) => {
    const fit = byId.get(id);
    if (!fit || outcomes.has(id)) return;
    outcomes.set(id, outcome);
    hooks.onOutcome?.(fit, outcome, reused);
    wake();
  };
  const add = (fit: QueuedFit) => queue.add('fit', fit.data, { ...JOB_OPTIONS, jobId: fit.id });
  const failed = async (id: string, reason: string) => {
    const fit = byId.get(id);
    if (!fit || outcomes.has(id) || failure) return;
    const job = await queue.getJob(id);
    if (job && job.data.featuresA.file !== fit.data.featuresA.file && !republished.has(id)) {
      // Another run published it and its features may be gone: run it again on this run's features.
      republished.add(id);
      await job.remove();
      await add(fit);
      return;
    }
    // One fit that keeps failing never sinks the run: it is reported as skipped, with the workers' error.
    const attempts = job?.attemptsMade ?? JOB_OPTIONS.attempts;
    finish(
      id,
      { skipped: `failed on the queue workers after ${attempts} attempt(s): ${reason}`, worker: 'queue' },
      false,
    );
  };
  const settle = async (fit: QueuedFit, reused: boolean) => {
    const job = await queue.getJob(fit.id);
    if (!job) return add(fit);
    const state = await job.getState();
    if (state === 'completed') finish(fit.id, job.returnvalue, reused);
    else if (state === 'failed') await (reused ? job.remove().then(() => add(fit)) : failed(fit.id, job.failedReason));
  };

  try {
    // Listening before anything is published, so that no completion can slip between the two.
    events.on('completed', ({ jobId, returnvalue }) => finish(jobId, returnvalue as unknown as FitOutcome, false));
    events.on('failed', ({ jobId, failedReason }) => void failed(jobId, failedReason).catch(fail));
    events.on('progress', ({ jobId, data }) => {
      const fit = byId.get(jobId);
      if (fit && !outcomes.has(jobId) && typeof data === 'object') hooks.onProgress?.(fit, data as StepProgress);
    });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    store = await queue.backend.client;
    record = hooks.run && {
      id: runId(fits.map((f) => f.id)),
      ...hooks.run,
      startedAt: new Date().toISOString(),
      fits: fits.map((f) => ({ id: f.id, label: `${f.data.layerA} ↔ ${f.data.layerB} ${f.data.direction}` })),
    };
    // Redis down for a moment must not end the run for want of a status line: the next refresh writes it. No live
    // coordinator key (first publish, or a Redis restarted empty): the record is written (again) too.
    const refresh = async () => {
      if (!record || !store) return;
      if (!(await readCoordinator(store, record.id))) await writeRun(store, record);
      await markCoordinator(store, record.id, true);
    };
    const refreshed = () => refresh().catch(() => undefined);
    if (record) {
      await refreshed();
      announceRun(record);
    }
    // A finished job is reused, one an earlier run saw fail is run again, a queued or running one is waited for.
    for (const fit of fits) {
      if (hooks.signal?.aborted) break;
      await settle(fit, true);
    }
    let workers = -1;
    const countWorkers = async () => {
      const count = await queue.getWorkersCount();
      if (count !== workers) hooks.onWorkers?.((workers = count));
    };
    if (outcomes.size < fits.length) await countWorkers();
    let reconciled = Date.now();
    while (outcomes.size < fits.length && !failure && !hooks.signal?.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, CANCEL_POLL_MS);
      });
      if (Date.now() - reconciled < RECONCILE_MS || outcomes.size === fits.length) continue;
      reconciled = Date.now();
      for (const fit of fits) if (!outcomes.has(fit.id) && !failure) await settle(fit, false);
      await countWorkers();
      await refreshed();
    }
    if (failure) throw failure;
    if (hooks.signal?.aborted) throw new CancelledError();
    if (record) await writeRun(store, { ...record, finishedAt: new Date().toISOString() }).catch(() => undefined);
    return outcomes;
  } finally {
    if (outcomes.size < fits.length) {
      // This run's feature files go with it: jobs no worker has taken yet are withdrawn (running ones are locked and
      // stay; a coordinator waiting on a withdrawn fit publishes it again).
      await Promise.allSettled(fits.filter((f) => !outcomes.has(f.id)).map((f) => queue.remove(f.id)));
    }
    // Gone from the run: kc status says so at once instead of when the key expires.
    if (record && store) await markCoordinator(store, record.id, false).catch(() => undefined);
    await Promise.allSettled([events.close(), queue.close()]);
  }

  function fail(error: unknown) {
    failure ??= error instanceof Error ? error : new Error(String(error));
    wake();
  }
}
