/**
 * kc family: N models, every ordered pair of them explaining each other, layer by layer (the paper's reliability
 * diagnosis: layers that differently seeded networks learn consistently). Features are extracted once per model;
 * the N(N − 1) fits per layer are independent jobs (jobs.ts) assembled into the report by assembleFamily.
 */
import { KcError } from '../errors';
import type { CompareEstimate } from '../../protocol/compare';
import type { FamilyOptions, FamilyReport, FitResult, Reliability } from '../../protocol/family';
import { familyJobs } from './jobs';
import { estimateManyModel, runManyModel, type EstimateHooks, type ManyModelHooks } from './many';
import { reportHead, reportTail } from './report-frame';
import { meanInterval } from './stats';

export type { ManyModelHooks };

export async function runFamily(
  options: FamilyOptions,
  hooks: ManyModelHooks<FamilyReport> = {},
): Promise<FamilyReport> {
  if (options.models.length < 2) throw new KcError(`a family needs at least two models, got ${options.models.length}`);
  return runManyModel(
    options.models,
    options,
    familyJobs,
    (parts): FamilyReport => ({
      ...reportHead('family', parts),
      models: parts.refs,
      layers: parts.layers,
      ...assembleFamily(parts.refs.length, parts.layers, parts.fits),
      ...reportTail(parts),
    }),
    hooks,
  );
}

/** What a family would cost, before it runs (the extension asks before it starts one above its budget). */
export function estimateFamily(options: FamilyOptions, hooks: EstimateHooks = {}): Promise<CompareEstimate> {
  return estimateManyModel(options.models, options, familyJobs, hooks);
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
