import type { WorkerProgress } from '../../protocol/progress';
import type { ProgressTracker } from '../progress';
import type { DispatchHooks, QueuedFit } from './dispatch';

/**
 * Queue events on the engine's progress bar: fits finished of fits planned fill the disentangle span (a reused fit
 * counts at once), and the latest epoch any worker reported moves the bar between two completions. pair.index is
 * therefore the number of the fit about to finish, not its place in the plan: workers finish fits in any order. Each
 * update lists every worker's fit in flight (`Progress.workers`). With no worker connected the bar says so: nothing
 * will move until one starts.
 */
export function queueProgress(
  progress: ProgressTracker,
  fits: readonly QueuedFit[],
): Required<Pick<DispatchHooks, 'onProgress' | 'onWorkers'>> & { finished(fit: QueuedFit): void } {
  const count = fits.length;
  let finished = 0;
  /** By worker name: the fit it reported last, until that fit's outcome arrives. */
  const inFlight = new Map<string, WorkerProgress & { fitId: string }>();
  const workers = () => [...inFlight.values()].map(({ fitId: _id, ...w }) => w);
  const step = (fit: QueuedFit, index: number) =>
    progress.pair(
      { index, count, layerA: fit.data.layerA, layerB: fit.data.layerB, direction: fit.data.direction },
      inFlight.size ? { workers: workers() } : {},
    );
  const next = () => Math.min(finished + 1, count);
  if (count > 0) step(fits[0], 1)({ done: 0, total: fits[0].data.settings.epochs });
  return {
    onProgress: (fit, { worker, ...s }) => {
      if (worker) {
        const { layerA, layerB, direction } = fit.data;
        inFlight.set(worker, { worker, layerA, layerB, direction, done: s.done, total: s.total, fitId: fit.id });
      }
      step(fit, next())(s);
    },
    onWorkers: (connected) => {
      if (connected === 0 && finished < count)
        step(fits[next() - 1], next())({ done: 0, total: 0, detail: 'no kc worker connected yet' });
    },
    finished: (fit) => {
      finished++;
      for (const [name, w] of inFlight) if (w.fitId === fit.id) inFlight.delete(name);
      const { epochs } = fit.data.settings;
      step(fit, finished)({ done: epochs, total: epochs });
    },
  };
}
