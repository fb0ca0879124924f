/**
 * kc compare --queue: the coordinator of a compare whose disentangler fits run on kc workers elsewhere. runCompare
 * does everything up to the fits (open, probe, pair, extract once into the shared feature folder, the similarity
 * matrix) and the report; this runner publishes each fit as a queue job and collects the outcomes as workers finish.
 */
import type { ConnectionOptions } from 'bullmq';
import type { CompareOptions } from '../../protocol/compare';
import type { Report } from '../../protocol/report';
import { runCompare, type CompareHooks } from '../compare';
import type { FitRunner } from '../compare/fit-runner';
import { KcError } from '../errors';
import { backendWarnings, workersBackend } from './backend';
import { collect } from './collect';
import { comparePlan, queuedFits } from './plan';
import { connectRedis } from './redis';
import { runId } from './run-record';

export async function runQueuedCompare(
  options: CompareOptions,
  redis: string,
  hooks: CompareHooks = {},
): Promise<Report> {
  // Before any heavy work: a wrong URL or a server down is one line now, not after the extraction.
  const connection = await connectRedis(redis);
  return runCompare(options, hooks, queueFitRunner(connection, options));
}

/**
 * The fits as queue jobs: the default pairs, or with --all-pairs every layer × layer cell (the point of many workers);
 * no cost-model warm-up (the workers' speed is not this machine's). Results come back in plan order.
 */
function queueFitRunner(connection: ConnectionOptions, options: CompareOptions): FitRunner {
  return {
    plan: async ({ pairs, directions, matrix, probe }) => ({
      fits: comparePlan(pairs, options.allPairs ? { layersA: matrix.A, layersB: matrix.B } : undefined, directions),
      probes: probe.count,
    }),
    headerBackend: async (backend) => backend.info,
    async run({ fits: plan, features, settings, backend, models, images, hooks, progress }) {
      if (!models.a.sha256 || !models.b.sha256)
        throw new KcError('a model has no content hash: its fits cannot be keyed', 'internal');
      const fits = queuedFits(
        plan,
        { a: features.fa, b: features.fb },
        {
          models: [models.a.sha256, models.b.sha256],
          probe: options.probe,
          settings,
          backend: options.backend ?? 'auto',
        },
      );
      const collected = await collect(fits, connection, images, hooks, progress, {
        command: 'compare',
        models: [models.a.name, models.b.name],
      });
      // In plan order, as a local run lists them, whatever order the workers finished in.
      return {
        pairs: fits.flatMap((f) => collected.pairs.get(f.id) ?? []),
        skipped: fits.flatMap((f) => collected.skipped.get(f.id) ?? []),
        backend: workersBackend(collected.outcomes, backend.info, collected.reused, runId(fits.map((f) => f.id))),
        warnings: backendWarnings(collected.outcomes),
      };
    },
    dispose: async () => undefined,
  };
}
