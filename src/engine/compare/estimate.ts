/**
 * Plan, then run: after the models are loaded and paired, a short warm-up calibrates the cost model, which estimates
 * every stage and fit; with a time budget the planner then picks the probe count and the pairs that fit it.
 * `estimateCompare` does only this (loads, pairs, calibrates, estimates: seconds) for a host that asks before it
 * starts a compare (the extension's pre-run choice, kc/estimate); `runCompare` calls `planRun` itself.
 */
import type { CancelSignal } from '../cancel';
import { getTrainingBackend } from '../compute/index';
import type { TrainingBackend } from '../compute/types';
import { resolveSettings } from '../disentangler/index';
import { DEFAULT_MEMORY_MB } from '../disentangler/memory';
import { openModel } from '../models/index';
import type { ModelAdapter } from '../models/types';
import { pairLayers } from '../pairing';
import { openProbe } from '../probes/index';
import type { ProbeSource } from '../probes/types';
import type { CompareOptions, CompareEstimate } from '../../protocol/compare';
import type { Direction, DisentangleSettings, LayerInfo, PairKey, RunPlan } from '../../protocol/report';
import { fitBudget } from './budget';
import { calibrate, checkFit } from './calibrate';
import { estimateCost, type CompareShape, type CostRates } from './cost';
import { fitConcurrency } from './fit-pool';
import { pairCapBytes } from './pair-memory';
import { matrixLayers } from './matrix-layers';
import { inputTarget } from './model-ref';

const DIRECTIONS: Record<NonNullable<CompareOptions['direction']>, Direction[]> = {
  a2b: ['A->B'],
  b2a: ['B->A'],
  both: ['A->B', 'B->A'],
};

export interface PlanInput {
  models: { A: ModelAdapter; B: ModelAdapter };
  layers: { A: LayerInfo[]; B: LayerInfo[] };
  probe: ProbeSource;
  options: CompareOptions;
  /** The matrix's layers at the asked probe count. */
  matrix: { A: string[]; B: string[] };
  /** Matrix layers kept as count sketches (compare/matrix-layers.ts sketchedLayers). */
  sketched?: { A: ReadonlySet<string>; B: ReadonlySet<string> };
  /** A model compared with itself: extracted once, its Grams made once. */
  sameModel?: boolean;
  plan: PairKey[];
  settings: DisentangleSettings;
  backend: TrainingBackend;
  signal?: CancelSignal;
  /** performance.now() when the run started: a budget counts the loading and warm-up already spent. */
  startedAt?: number;
}

export interface PlannedRun {
  plan: RunPlan;
  /** What the estimate was made from, for another try at a budget without a second warm-up. */
  shape: CompareShape;
  rates: CostRates;
  /** The probe count to run: the asked one, or the budget's choice. */
  probes: number;
  /** The fits to run, in order. */
  fits: PairKey[];
}

/** Fits estimated above this run the check fit (a few seconds) before the plan is made. */
const CHECK_FIT_ABOVE_SECONDS = 60;

/** Calibrates, estimates, and with `options.budgetSeconds` fits the run into it. */
export async function planRun(input: PlanInput): Promise<PlannedRun> {
  const { options, settings } = input;
  const calibration = {
    models: input.models,
    probe: input.probe,
    normalization: options.probe.normalization,
    layers: input.matrix,
    tables: input.layers,
    plan: input.plan,
    settings,
    backend: input.backend,
    signal: input.signal,
  };
  let rates = await calibrate(calibration);
  const shape: CompareShape = {
    layersA: input.layers.A,
    layersB: input.layers.B,
    matrixA: input.matrix.A,
    matrixB: input.matrix.B,
    sketched: input.sketched,
    sameModel: input.sameModel,
    plan: input.plan,
    settings,
    memoryBytes: (options.memoryBudgetMb ?? DEFAULT_MEMORY_MB) * 2 ** 20,
    lanes: Math.max(1, Math.min(fitConcurrency(), input.plan.length)),
    allPairs: options.allPairs,
  };
  // The fits will start from about what the process holds now (the models are disposed of by then, the matrix's
  // Grams are garbage): big pairs are estimated on the samples that fit what is left. One lane: big pairs run alone.
  const cap = pairCapBytes(shape.memoryBytes - process.memoryUsage().rss, 1);
  if (Number.isFinite(cap)) shape.pairCapBytes = cap;
  const probes = input.probe.count;
  // Where the fits take long enough for the model's error to matter, one real fit says how far off it is here.
  if (estimateCost(shape, probes, rates).disentangleSeconds > CHECK_FIT_ABOVE_SECONDS) {
    const factor = await checkFit(calibration, rates);
    if (factor !== undefined)
      rates = { ...rates, fitFactor: factor, source: `${rates.source}, fits ×${factor.toFixed(2)} (a check fit)` };
  }
  if (options.budgetSeconds === undefined) {
    const estimate = estimateCost(shape, probes, rates);
    return { plan: { estimate }, probes, fits: input.plan, shape, rates };
  }
  const spent = input.startedAt === undefined ? 0 : (performance.now() - input.startedAt) / 1000;
  const fitted = fitBudget(shape, probes, rates, options.budgetSeconds, spent);
  const plan = { estimate: fitted.estimate, budget: fitted.choice };
  return { plan, probes: fitted.probes, fits: fitted.plan, shape, rates };
}

/**
 * The estimate of a compare without running it: loads both models, pairs their layers, calibrates on a few probe
 * samples and training steps (seconds), and returns the estimate of the run as asked and, with a budget, what would
 * fit it. The extension asks this before it starts a run, to offer a choice when it would go over the budget.
 */
export async function estimateCompare(
  options: CompareOptions,
  hooks: { signal?: CancelSignal; log?(message: string): void } = {},
): Promise<CompareEstimate> {
  const log = hooks.log ?? (() => undefined);
  const settings = resolveSettings(options.settings);
  const models: ModelAdapter[] = [];
  try {
    const a = await openModel(options.modelA, { pytorch: options.pytorch, log });
    models.push(a);
    const b = await openModel(options.modelB, { pytorch: options.pytorch, log });
    models.push(b);
    const layersA = a.layers();
    const layersB = b.layers();
    const probe = await openProbe({ ...options.probe, seed: settings.seed }, inputTarget(a));
    const pairing = pairLayers(layersA, layersB, options.layersA, options.layersB);
    const pinnedOnly = Boolean(options.layersA?.length || options.layersB?.length);
    const rowsA = matrixLayers(layersA, pairing.layersA, 'A', { count: probe.count, pinnedOnly });
    const rowsB = matrixLayers(layersB, pairing.layersB, 'B', { count: probe.count, pinnedOnly });
    const directions = DIRECTIONS[options.direction ?? 'both'];
    const plan = pairing.pairs.flatMap((p) => directions.map((direction) => ({ ...p, direction })));
    const backend = await getTrainingBackend(options.backend ?? 'auto', log);
    const input: PlanInput = {
      models: { A: a, B: b },
      layers: { A: layersA, B: layersB },
      probe,
      options: { ...options, budgetSeconds: undefined },
      matrix: { A: rowsA.names, B: rowsB.names },
      plan,
      settings,
      backend,
      signal: hooks.signal,
    };
    const asked = await planRun(input);
    if (options.budgetSeconds === undefined) return { asked: asked.plan.estimate };
    // The same rates for the budget's choice: fitBudget is pure, so no second warm-up.
    return {
      asked: asked.plan.estimate,
      budget: fitBudget(asked.shape, probe.count, asked.rates, options.budgetSeconds).choice,
    };
  } finally {
    await Promise.allSettled(models.map((m) => m.dispose()));
  }
}
