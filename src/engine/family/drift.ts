/**
 * kc drift: the checkpoints of one training run, each explaining the final checkpoint (how much of the final knowledge
 * it already holds) or the previous one (how much of what the previous one knew it kept), layer by layer. Features are
 * extracted once per checkpoint; the fits are the independent jobs of jobs.ts.
 */
import path from 'node:path';
import { ProgressTracker } from '../progress';
import { resolveSettings } from '../disentangler/index';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import {
  FAMILY_SCHEMA_VERSION,
  type DriftAgainst,
  type DriftOptions,
  type DriftReport,
  type FitResult,
} from '../../protocol/family';
import { listCheckpoints } from './checkpoints';
import type { ManyModelHooks } from './family';
import { driftJobs } from './jobs';
import { extractMembers } from './members';
import { runFits } from './run-fits';
import { runFitsOnQueue } from '../queue/family';
import { connectRedis } from '../queue/redis';

export async function runDrift(options: DriftOptions, hooks: ManyModelHooks = {}): Promise<DriftReport> {
  const started = performance.now();
  const against = options.against ?? 'final';
  const settings = resolveSettings(options.settings);
  const { checkpoints, orderedBy } = await listCheckpoints(options.folder);
  hooks.log?.(`checkpoints (by ${orderedBy}): ${checkpoints.map((c) => c.name).join(', ')}`);
  // A wrong queue URL fails now, not after the extraction.
  const queue = options.queue ? await connectRedis(options.queue) : undefined;
  const progress = new ProgressTracker(hooks.onProgress);
  const members = await extractMembers(
    checkpoints.map((c) => c.path),
    options,
    settings,
    { ...hooks, progress },
  );
  try {
    const jobs = driftJobs(checkpoints.length, members.layers, against);
    const names = members.refs.map((m) => m.name);
    const run = queue
      ? await runFitsOnQueue(queue, jobs, members, options, settings, { ...hooks, progress })
      : await runFits(jobs, members.features, names, settings, members.backend, { ...hooks, progress });
    return {
      schemaVersion: FAMILY_SCHEMA_VERSION,
      kind: 'drift',
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      createdAt: new Date().toISOString(),
      backend: run.backend ?? members.backend.info,
      settings,
      probe: members.probe,
      folder: path.resolve(options.folder),
      against,
      orderedBy,
      checkpoints: members.refs.map((ref, k) => ({
        ...ref,
        ...(orderedBy === 'number' ? { step: checkpoints[k].step } : {}),
        modified: checkpoints[k].modified.toISOString(),
      })),
      layers: members.layers,
      series: driftSeries(checkpoints.length, members.layers, against, run.fits),
      fits: run.fits,
      ...(run.skipped.length ? { skipped: run.skipped } : {}),
      timings: {
        ...members.timings,
        fitSeconds: run.seconds,
        totalSeconds: (performance.now() - started) / 1000,
      },
      warnings: [...members.warnings, ...run.warnings],
    };
  } finally {
    await members.dispose();
  }
}

/** series[layer][k] from the fits: checkpoint k explaining its reference; null where no fit ran. */
export function driftSeries(
  count: number,
  layers: readonly string[],
  against: DriftAgainst,
  fits: readonly FitResult[],
): Array<Array<number | null>> {
  const reference = (k: number) => (against === 'final' ? count - 1 : k - 1);
  return layers.map((layer) =>
    Array.from(
      { length: count },
      (_, k) => fits.find((f) => f.layer === layer && f.source === k && f.target === reference(k))?.explained ?? null,
    ),
  );
}
