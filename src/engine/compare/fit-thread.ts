/** A fit thread of FitPool (fit-pool.ts): runs disentangle() for each job it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../cancel';
import { getTrainingBackend } from '../compute/index';
import { disentangle } from '../disentangler/index';
import { OverBudgetError } from '../disentangler/memory';
import { KcError } from '../errors';
import { collectGarbage } from '../gc';
import type { BackendPreference } from '../../protocol/compare';
import type { FromThread, ToThread } from './fit-pool';

const port = parentPort;
const cancelled = new Set<number>();
const send = (m: FromThread) => port?.postMessage(m);
const backend = getTrainingBackend((workerData as { backend: BackendPreference }).backend);

port?.on('message', (m: ToThread) => {
  if (m.kind === 'cancel') cancelled.add(m.id);
  // the job's features are shared with the main thread: drop this thread's hold on them as soon as it is done
  else void fit(m.id, m.job).then(collectGarbage);
});
void backend.then((b) => send({ kind: 'ready', info: b.info }));

async function fit(id: number, job: Extract<ToThread, { kind: 'fit' }>['job']): Promise<void> {
  try {
    const result = await disentangle(job.a, job.b, job.settings, {
      layerA: job.layerA,
      layerB: job.layerB,
      direction: job.direction,
      backend: await backend,
      memoryBytes: job.memoryBytes,
      signal: {
        get aborted() {
          return cancelled.has(id);
        },
      },
      onProgress: (step) => send({ kind: 'progress', id, step }),
      log: (line) => send({ kind: 'log', id, line }),
    });
    send({ kind: 'done', id, result });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    send({
      kind: 'failed',
      id,
      message,
      ...(error instanceof KcError ? { code: error.code } : {}),
      ...(error instanceof CancelledError ? { cancelled: true } : {}),
      ...(error instanceof OverBudgetError ? { neededBytes: error.neededBytes } : {}),
    });
  } finally {
    cancelled.delete(id);
  }
}
