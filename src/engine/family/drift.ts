/**
 * kc drift: the checkpoints of one training run, each explaining the final checkpoint (how much of the final knowledge
 * it already holds) or the previous one (how much of what the previous one knew it kept), layer by layer. Features are
 * extracted once per checkpoint; the fits are the independent jobs of jobs.ts.
 */
import path from 'node:path';
import type { CompareEstimate } from '../../protocol/compare';
import type { DriftAgainst, DriftOptions, DriftReport, FitResult } from '../../protocol/family';
import { listCheckpoints } from './checkpoints';
import { driftJobs } from './jobs';
import { estimateManyModel, runManyModel, type EstimateHooks, type ManyModelHooks } from './many';
import { reportHead, reportTail } from './report-frame';

/** What a drift run would cost, before it runs (the extension asks before it starts one above its budget). */
export async function estimateDrift(options: DriftOptions, hooks: EstimateHooks = {}): Promise<CompareEstimate> {
  const against = options.against ?? 'final';
  const { checkpoints } = await listCheckpoints(options.folder);
  const paths = checkpoints.map((c) => c.path);
  return estimateManyModel(paths, options, (count, layers) => driftJobs(count, layers, against), hooks);
}

export async function runDrift(options: DriftOptions, hooks: ManyModelHooks<DriftReport> = {}): Promise<DriftReport> {
  const against = options.against ?? 'final';
  const { checkpoints, orderedBy } = await listCheckpoints(options.folder);
  hooks.log?.(`checkpoints (by ${orderedBy}): ${checkpoints.map((c) => c.name).join(', ')}`);
  return runManyModel(
    checkpoints.map((c) => c.path),
    options,
    (count, layers) => driftJobs(count, layers, against),
    (parts): DriftReport => ({
      ...reportHead('drift', parts),
      folder: path.resolve(options.folder),
      against,
      orderedBy,
      checkpoints: parts.refs.map((ref, k) => ({
        ...ref,
        ...(orderedBy === 'number' ? { step: checkpoints[k].step } : {}),
        modified: checkpoints[k].modified.toISOString(),
      })),
      layers: parts.layers,
      series: driftSeries(checkpoints.length, parts.layers, against, parts.fits),
      ...reportTail(parts),
    }),
    hooks,
  );
}

/** series[layer][k] from the fits: checkpoint k explaining its reference; null where no fit ran. */
export function driftSeries(
  count: number,
  layers: readonly string[],
  against: DriftAgainst,
  fits: readonly FitResult[],
): Array<Array<number | null>> {
  const reference = (k: number) => (against === 'final' ? count - 1 : k - 1);
  // One lookup per cell: a long training run has thousands of fits and the report is rebuilt after each.
  const explained = new Map(fits.map((f) => [`${f.source} ${f.target} ${f.layer}`, f.explained]));
  return layers.map((layer) =>
    Array.from({ length: count }, (_, k) => explained.get(`${k} ${reference(k)} ${layer}`) ?? null),
  );
}
