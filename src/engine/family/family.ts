/**
 * kc family: N models, every ordered pair of them explaining each other, layer by layer (the paper's reliability
 * diagnosis: layers that differently seeded networks learn consistently). Features are extracted once per model;
 * the N(N − 1) fits per layer are independent jobs (jobs.ts) assembled into the report by assembleFamily.
 */
import { KcError } from '../errors';
import { ProgressTracker } from '../progress';
import { resolveSettings } from '../disentangler/index';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import type { CancelSignal } from '../cancel';
import type { ProgressSink } from '../progress';
import {
  FAMILY_SCHEMA_VERSION,
  type FamilyOptions,
  type FamilyReport,
  type FitResult,
  type Reliability,
} from '../../protocol/family';
import { familyJobs } from './jobs';
import { extractMembers } from './members';
import { runFits } from './run-fits';
import { runFitsOnQueue } from '../queue/family';
import { connectRedis } from '../queue/redis';
import { meanInterval } from './stats';

export interface ManyModelHooks {
  signal?: CancelSignal;
  onProgress?: ProgressSink;
  log?: (line: string) => void;
  onFit?(fit: FitResult): void;
}

export async function runFamily(options: FamilyOptions, hooks: ManyModelHooks = {}): Promise<FamilyReport> {
  if (options.models.length < 2) throw new KcError(`a family needs at least two models, got ${options.models.length}`);
  const started = performance.now();
  const settings = resolveSettings(options.settings);
  const progress = new ProgressTracker(hooks.onProgress);
  // A wrong queue URL fails now, not after the extraction.
  const queue = options.queue ? await connectRedis(options.queue) : undefined;
  const members = await extractMembers(options.models, options, settings, { ...hooks, progress });
  try {
    const jobs = familyJobs(members.refs.length, members.layers);
    const names = members.refs.map((m) => m.name);
    const run = queue
      ? await runFitsOnQueue(queue, jobs, members, options, settings, { ...hooks, progress })
      : await runFits(jobs, members.features, names, settings, members.backend, { ...hooks, progress });
    return {
      schemaVersion: FAMILY_SCHEMA_VERSION,
      kind: 'family',
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      createdAt: new Date().toISOString(),
      backend: run.backend ?? members.backend.info,
      settings,
      probe: members.probe,
      models: members.refs,
      layers: members.layers,
      ...assembleFamily(members.refs.length, members.layers, run.fits),
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

/** The matrices, per-model means and reliability of a family from its fits (in any order; missing fits stay null). */
export function assembleFamily(
  count: number,
  layers: readonly string[],
  fits: readonly FitResult[],
): Pick<FamilyReport, 'matrix' | 'modelMeans' | 'reliability'> {
  const matrix = layers.map(() =>
    Array.from({ length: count }, () => Array.from({ length: count }, (): number | null => null)),
  );
  const row = new Map(layers.map((l, i) => [l, i]));
  for (const f of fits) {
    const l = row.get(f.layer);
    if (l !== undefined && Number.isFinite(f.explained)) matrix[l][f.source][f.target] = f.explained;
  }
  const offDiagonal = (m: Array<Array<number | null>>) => m.flatMap((r, i) => r.filter((_, j) => j !== i));
  const modelMeans = matrix.map((m) =>
    m.map(
      (_, i) => meanInterval([...m[i].filter((_, j) => j !== i), ...m.filter((_, j) => j !== i).map((r) => r[i])]).mean,
    ),
  );
  const reliability = matrix.map((m): Reliability => ({ ...meanInterval(offDiagonal(m)), worst: worstPair(m) }));
  return { matrix, modelMeans, reliability };
}

function worstPair(m: Array<Array<number | null>>): Reliability['worst'] {
  let worst: Reliability['worst'] = null;
  m.forEach((r, source) =>
    r.forEach((explained, target) => {
      if (source !== target && explained !== null && (worst === null || explained < worst.explained))
        worst = { source, target, explained };
    }),
  );
  return worst;
}
