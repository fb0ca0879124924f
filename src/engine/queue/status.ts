/**
 * kc status: where a queued run stands, read from Redis alone — the run's record (run-record.ts) and each of its fit
 * jobs — so it works from any machine while the coordinator runs, after it finished, or after it was stopped.
 */
import { Queue, type ConnectionOptions, type Job } from 'bullmq';
import type { StepProgress } from '../../protocol/progress';
import type { QueueFitState, QueueFitStatus, QueueRunRecord, QueueRunStatus } from '../../protocol/queue-status';
import type { FitJobData, FitOutcome } from './fit-job';
import { FIT_QUEUE } from './redis';
import { readCoordinator, readRun, type RunStore } from './run-record';

const STATES: readonly QueueFitState[] = [
  'completed',
  'skipped',
  'running',
  'waiting',
  'retrying',
  'failed',
  'missing',
];
const FINISHED = new Set<QueueFitState>(['completed', 'skipped', 'failed']);

/** The run's status, or undefined when Redis holds no run by that id (never recorded, or older than 30 days). */
export async function queueRunStatus(connection: ConnectionOptions, id: string): Promise<QueueRunStatus | undefined> {
  const queue = new Queue<FitJobData, FitOutcome>(FIT_QUEUE, { connection });
  try {
    const store: RunStore = await queue.backend.client;
    const run = await readRun(store, id);
    if (!run) return undefined;
    const fits: QueueFitStatus[] = [];
    for (const fit of run.fits) fits.push(await fitStatus(queue, fit));
    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<QueueFitState, number>;
    for (const fit of fits) counts[fit.state]++;
    const coordinator = await readCoordinator(store, id);
    const done = fits.every((f) => FINISHED.has(f.state));
    return {
      run,
      fits,
      counts,
      workers: await workerNames(queue),
      ...(coordinator ? { coordinator } : {}),
      done,
      stopped: !done && !coordinator && counts.missing > 0,
    };
  } finally {
    await queue.close();
  }
}

async function fitStatus(
  queue: Queue<FitJobData, FitOutcome>,
  fit: QueueRunRecord['fits'][number],
): Promise<QueueFitStatus> {
  const job = await queue.getJob(fit.id);
  if (!job) return { ...fit, state: 'missing' };
  const state = await job.getState();
  const attempts = job.attemptsMade ? { attempts: job.attemptsMade } : {};
  const reason = job.failedReason ? { reason: job.failedReason } : {};
  switch (state) {
    case 'completed': {
      const outcome = job.returnvalue as FitOutcome | null;
      if (!outcome) return { ...fit, state: 'completed' };
      return 'skipped' in outcome
        ? { ...fit, state: 'skipped', worker: outcome.worker, reason: outcome.skipped }
        : { ...fit, state: 'completed', worker: outcome.worker };
    }
    case 'active':
      return { ...fit, state: 'running', ...runningOn(job), ...attempts };
    case 'failed':
      return { ...fit, state: 'failed', ...reason, ...attempts };
    // After a failure, BullMQ holds the job back until its next attempt (dispatch.ts JOB_OPTIONS.backoff).
    case 'delayed':
      return { ...fit, state: 'retrying', ...reason, ...attempts };
    default:
      return { ...fit, state: 'waiting', ...attempts };
  }
}

/** The worker that took the job (BullMQ stores its name) and the epochs it reported last. */
function runningOn(job: Job<FitJobData, FitOutcome>): Pick<QueueFitStatus, 'worker' | 'progress'> {
  const step = typeof job.progress === 'object' ? (job.progress as Partial<StepProgress> & { worker?: string }) : {};
  const worker = job.processedBy ?? step.worker;
  const progress =
    typeof step.done === 'number' && typeof step.total === 'number'
      ? { done: step.done, total: step.total }
      : undefined;
  return { ...(worker ? { worker } : {}), ...(progress ? { progress } : {}) };
}

/** Workers connected now, by the name kc worker gives them ("host:pid"); a worker holds more than one connection. */
async function workerNames(queue: Queue): Promise<string[]> {
  const clients = await queue.getWorkers();
  const names = clients.map((c) => c.rawname?.match(/:w:(.+)$/)?.[1] ?? `unnamed worker at ${c.addr ?? '?'}`);
  return [...new Set(names)].sort();
}
