/**
 * kc worker: takes disentangler fits from the queue and runs them. BullMQ holds a lock on each running job and
 * renews it; a worker that dies stops renewing, and after `stalledSeconds` its fit goes back to the queue for
 * another worker (stalled-job recovery). A fit that throws is retried with backoff (attempts set by the coordinator).
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { KcError } from '../errors';
import { fmt, seconds } from '../../protocol/format';
import { runFitJob, type FitJobData, type FitOutcome } from './fit-job';
import { connectRedis, FIT_QUEUE, redactedUrl } from './redis';

export interface FitWorkerOptions {
  redis: string;
  /** Fits run at once in this process. */
  concurrency: number;
  /** How long a fit's lock lasts unrenewed: how soon a dead worker's fit is run elsewhere. */
  stalledSeconds: number;
  /** One line per fit started, finished or failed (stdout of kc worker). */
  log(line: string): void;
  /** The engine's own log lines (resampling, constant channels), with --verbose. */
  engineLog?(line: string): void;
}

export interface FitWorker {
  /** Stops taking fits; waits for the running ones unless `force` (they then go back to the queue when their lock
   * expires). */
  close(force?: boolean): Promise<void>;
  /** Fits running now. */
  running(): number;
}

/** Progress reaches the coordinator through Redis: at most this often per fit, and always at the last epoch. */
const PROGRESS_EVERY_MS = 500;

export async function startFitWorker(options: FitWorkerOptions): Promise<FitWorker> {
  const connection = await connectRedis(options.redis);
  const name = `${hostname()}:${process.pid}`;
  let running = 0;
  const worker = new Worker<FitJobData, FitOutcome>(
    FIT_QUEUE,
    async (job, _token, signal) => {
      running++;
      try {
        return await processFit(job, name, options, signal);
      } finally {
        running--;
      }
    },
    {
      connection,
      // Stored on each job it takes (job.processedBy) and in its Redis client name: kc status names the worker.
      name,
      concurrency: options.concurrency,
      lockDuration: options.stalledSeconds * 1000,
      stalledInterval: options.stalledSeconds * 1000,
      // A fit survives two dead workers before it counts as failed.
      maxStalledCount: 2,
    },
  );
  // Connection drops are logged and retried by BullMQ; they must not end the process.
  worker.on('error', (error) => options.log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  options.log(
    `worker ${name} on ${redactedUrl(options.redis)} queue ${FIT_QUEUE}: ${options.concurrency} fit(s) at a time`,
  );
  return { close: (force) => worker.close(force), running: () => running };
}

async function processFit(
  job: Job<FitJobData, FitOutcome>,
  worker: string,
  options: FitWorkerOptions,
  signal: AbortSignal | undefined,
): Promise<FitOutcome> {
  const { layerA, layerB, direction } = job.data;
  const what = `${job.id} ${layerA} ↔ ${layerB} ${direction}`;
  // attemptsStarted counts runs a dead worker left unfinished too (attemptsMade only failures).
  options.log(`started ${what} (run ${job.attemptsStarted})`);
  const started = performance.now();
  let sent = 0;
  try {
    const outcome = await runFitJob(job.data, worker, {
      signal,
      log: options.engineLog,
      onProgress: (step) => {
        const now = performance.now();
        if (step.done < step.total && now - sent < PROGRESS_EVERY_MS) return;
        sent = now;
        // A lost lock or a dropped connection only loses this update; the fit goes on.
        job.updateProgress({ ...step, worker }).catch(() => undefined);
      },
    });
    const took = seconds((performance.now() - started) / 1000);
    options.log(
      'pair' in outcome
        ? `finished ${what} in ${took}: explained ${fmt(outcome.pair.explained)}`
        : `finished ${what} in ${took}: skipped, ${outcome.skipped}`,
    );
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    options.log(`failed ${what}: ${message}`);
    // A KcError says what is wrong with the job's input (a feature file missing here, say): a retry would fail alike.
    if (error instanceof KcError) throw new UnrecoverableError(message);
    throw error;
  }
}
