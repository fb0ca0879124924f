/**
 * Plan, then run, for kc family and kc drift: kc compare's warm-up (compare/calibrate.ts), cost model
 * (compare/cost.ts) and budget search (compare/budget.ts), applied to the fits of many models. Calibrated on the first
 * and the last member (a drift's checkpoints are one network, a family's members mostly one architecture); each fit is
 * estimated from its own two layers, and the fits run one at a time (run-fits.ts), each with a linear CKA beside it.
 */
import type { CancelSignal } from '../cancel';
import { chooseWithin } from '../compare/budget';
import { calibrate } from '../compare/calibrate';
import {
  extractionSeconds,
  featureBytes,
  fitWork,
  plannedFit,
  productRate,
  stagedEstimate,
  type CostRates,
} from '../compare/cost';
import { DEFAULT_MEMORY_MB } from '../disentangler/memory';
import type { ProbeNormalization } from '../probes/index';
import type { CostEstimate, DisentangleSettings, LayerInfo, PairKey, RunPlan } from '../../protocol/report';
import type { FitJob } from './jobs';
import type { OpenMembers } from './members';

/** A fit as the budget search sees it: one layer (A → B: the explaining member's layer, the explained member's). */
export type PlannedJob = FitJob & PairKey;

const asPair = (job: FitJob): PlannedJob => ({ ...job, layerA: job.layer, layerB: job.layer, direction: 'A->B' });

/** Every member's layer table and the fits' settings: what the estimate of any subset of fits is made from. */
export interface MembersShape {
  tables: LayerInfo[][];
  settings: DisentangleSettings;
}

/** Rates measured on the open members: extraction through the first and the last, training on the largest fit. */
export function calibrateMembers(
  open: OpenMembers,
  jobs: readonly FitJob[],
  settings: DisentangleSettings,
  normalization: Partial<ProbeNormalization> | undefined,
  signal?: CancelSignal,
): Promise<CostRates> {
  const last = open.models.length - 1;
  const layers = [...new Set(jobs.map((j) => j.layer))];
  return calibrate({
    models: { A: open.models[0], B: open.models[last] },
    probe: open.probe,
    normalization,
    layers: { A: layers, B: layers },
    tables: { A: open.tables[0], B: open.tables[last] },
    plan: layers.map((layer) => ({ layerA: layer, layerB: layer, direction: 'A->B' })),
    settings,
    backend: open.backend,
    signal,
  });
}

/** The run of these fits at `probes` samples: each needed member extracted once, then the fits one by one. */
export function estimateJobs(
  shape: MembersShape,
  jobs: readonly FitJob[],
  probes: number,
  rates: CostRates,
): CostEstimate {
  const layerOf = (member: number, name: string) => shape.tables[member]?.find((l) => l.name === name);
  const last = shape.tables.length - 1;
  const { A, B } = rates.extractSecondsPerSample;
  const perSample = (member: number) => (member === 0 ? A : member === last ? B : (A + B) / 2);
  const layers = [...new Set(jobs.map((j) => j.layer))];
  const members = [...new Set(jobs.flatMap((j) => [j.source, j.target]))];
  const extractSeconds = members.reduce((s, m) => {
    const bytes = featureBytes(
      layers.map((n) => layerOf(m, n)),
      probes,
    );
    return s + extractionSeconds(probes, perSample(m), bytes);
  }, 0);
  const memoryBytes = DEFAULT_MEMORY_MB * 2 ** 20;
  let ckaMacs = 0;
  const fits = jobs.map((job) => {
    const key = asPair(job);
    const pair = { A: layerOf(job.source, job.layer), B: layerOf(job.target, job.layer) };
    // The linear CKA beside the fit (jobs.ts fitSimilarity): both layers' n × n Grams, n²·D multiply-adds each.
    ckaMacs += (probes * featureBytes([pair.A, pair.B], probes)) / 4;
    return plannedFit(fitWork(key, pair, probes, shape.settings, memoryBytes), rates);
  });
  const similaritySeconds = ckaMacs / productRate(rates, false);
  return stagedEstimate({ probes, extractSeconds, similaritySeconds, fits }, 1, rates);
}

export interface PlannedJobs {
  plan: RunPlan;
  probes: number;
  /** The fits to run, in plan order, and their layers. */
  jobs: FitJob[];
  layers: string[];
}

/** The estimate of `jobs` at `probes`, and with a budget the probes and layers that fit it (fewest probes first). */
export function planJobs(
  shape: MembersShape,
  jobs: readonly FitJob[],
  probes: number,
  rates: CostRates,
  budgetSeconds?: number,
): PlannedJobs {
  const layersOf = (list: readonly FitJob[]) => [...new Set(list.map((j) => j.layer))];
  if (budgetSeconds === undefined)
    return {
      plan: { estimate: estimateJobs(shape, jobs, probes, rates) },
      probes,
      jobs: [...jobs],
      layers: layersOf(jobs),
    };
  const fitted = chooseWithin(
    jobs.map(asPair),
    probes,
    budgetSeconds,
    (plan, n) => estimateJobs(shape, plan, n, rates),
    'layer',
  );
  const kept = fitted.plan.map(({ key, layer, source, target }) => ({ key, layer, source, target }));
  return {
    plan: { estimate: fitted.estimate, budget: fitted.choice },
    probes: fitted.probes,
    jobs: kept,
    layers: layersOf(kept),
  };
}
