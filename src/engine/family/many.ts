/**
 * The run shared by kc family and kc drift: extract the members once, plan the fits, take the ones an earlier run
 * finished (options.reuse), fit the rest here or on a queue, and build the report. The caller sees the report grow
 * (hooks.onUpdate after each fit), so a cancelled run still has everything that finished.
 */
import { resolveSettings } from '../disentangler/index';
import { ProgressTracker } from '../progress';
import type { CancelSignal } from '../cancel';
import type { ProgressSink } from '../progress';
import { runFitsOnQueue } from '../queue/family';
import { connectRedis } from '../queue/redis';
import type {
  FitResult,
  ManyModelOptions,
  ManyModelReport,
  ManyModelTimings,
  ReusedFit,
  SkippedFit,
} from '../../protocol/family';
import type {
  BackendInfo,
  CostEstimate,
  DisentangleSettings,
  ModelRef,
  ProbeInfo,
  RunPlan,
} from '../../protocol/report';
import type { CompareEstimate } from '../../protocol/compare';
import type { CostRates } from '../compare/cost';
import type { FitJob } from './jobs';
import { extractMembers, withOpenMembers, type OpenMembers } from './members';
import { calibrateMembers, planJobs, type MembersShape } from './plan';
import { runFits } from './run-fits';

export interface ManyModelHooks<R extends ManyModelReport = ManyModelReport> {
  signal?: CancelSignal;
  onProgress?: ProgressSink;
  log?: (line: string) => void;
  onFit?(fit: FitResult): void;
  /** The report so far: once the members are extracted (with the reused fits), then after each fit or skip. */
  onUpdate?(report: R): void;
  /** The estimate (and a budget's choice), once the members are open and before anything is extracted. */
  onPlan?(plan: RunPlan): void;
}

/** What the report is built from; `done` is false while fits are still to come. */
export interface ManyModelParts {
  refs: ModelRef[];
  layers: string[];
  probe: ProbeInfo;
  settings: DisentangleSettings;
  backend: BackendInfo;
  fits: FitResult[];
  skipped: SkippedFit[];
  warnings: string[];
  timings: ManyModelTimings;
  planned: number;
  plan?: RunPlan;
}

export async function runManyModel<R extends ManyModelReport>(
  paths: readonly string[],
  options: ManyModelOptions,
  jobsOf: (count: number, layers: readonly string[]) => FitJob[],
  build: (parts: ManyModelParts) => R,
  hooks: ManyModelHooks<R>,
): Promise<R> {
  const started = performance.now();
  const settings = resolveSettings(options.settings);
  const progress = new ProgressTracker(hooks.onProgress);
  // A wrong queue URL fails now, not after the extraction.
  const queue = options.queue ? await connectRedis(options.queue) : undefined;
  let jobs: FitJob[] = [];
  let reused: FitResult[] = [];
  let plan: RunPlan | undefined;
  const members = await extractMembers(paths, options, settings, { ...hooks, progress }, async (open) => {
    const planned = (await planMembers(open, options, settings, jobsOf, hooks.signal)).decide(options.budgetSeconds);
    ({ jobs, reused, plan } = planned);
    if (plan) {
      if (plan.budget) hooks.log?.(plan.budget.summary);
      progress.plan(plan.estimate);
      hooks.onPlan?.(plan);
    }
    const needed = new Set(notIn(jobs, reused).flatMap((j) => [j.source, j.target]));
    return { needed, probes: planned.probes, layers: planned.layers };
  });
  try {
    const remaining = notIn(jobs, reused);
    const order = new Map(jobs.map((j, i) => [j.key, i]));
    if (reused.length) hooks.log?.(`${reused.length} of ${jobs.length} fits reused from an earlier run`);
    const fits: FitResult[] = [...reused];
    const skipped: SkippedFit[] = [];
    const warnings = new Set<string>(members.warnings);
    const fitStarted = performance.now();
    const parts = (backend: BackendInfo | undefined): ManyModelParts => ({
      refs: members.refs,
      layers: members.layers,
      probe: members.probe,
      settings,
      backend: backend ?? members.backend.info,
      // In plan order, however they finished.
      fits: [...fits].sort((a, b) => order.get(a.key)! - order.get(b.key)!),
      skipped: [...skipped],
      warnings: [...warnings],
      timings: {
        ...members.timings,
        fitSeconds: (performance.now() - fitStarted) / 1000,
        totalSeconds: (performance.now() - started) / 1000,
      },
      planned: jobs.length,
      plan,
    });
    const update = () => hooks.onUpdate?.(build(parts(undefined)));
    update();
    const names = members.refs.map((m) => m.name);
    const fitHooks = {
      ...hooks,
      progress,
      onFit: (fit: FitResult) => {
        fits.push(fit);
        hooks.onFit?.(fit);
        update();
      },
      onSkipped: (fit: SkippedFit, warning: string) => {
        skipped.push(fit);
        warnings.add(warning);
        update();
      },
    };
    // The queue's job ids name the probe count the features were extracted at (a budget's, maybe).
    const asRun = { ...options, probe: { ...options.probe, count: members.probe.count } };
    const run = queue
      ? await runFitsOnQueue(queue, remaining, members, asRun, settings, fitHooks)
      : await runFits(remaining, members.features, names, settings, members.backend, fitHooks);
    // The run's own lists are complete and ordered; the streamed ones served the updates.
    fits.splice(0, fits.length, ...reused, ...run.fits);
    skipped.splice(0, skipped.length, ...run.skipped);
    run.warnings.forEach((w) => warnings.add(w));
    return build(parts(run.backend));
  } finally {
    await members.dispose();
  }
}

interface MembersPlan {
  /** Every fit of the run (reused or to run), in plan order. */
  jobs: FitJob[];
  reused: FitResult[];
  probes: number;
  layers: string[];
  /** Absent when every fit is reused: nothing to calibrate or to estimate. */
  plan?: RunPlan;
}

/** Calibrates on the open members (unless every fit is reused) and plans the run as asked (decidePlan). */
async function planMembers(
  open: OpenMembers,
  options: ManyModelOptions,
  settings: DisentangleSettings,
  jobsOf: (count: number, layers: readonly string[]) => FitJob[],
  signal?: CancelSignal,
): Promise<{ decide(budgetSeconds?: number): MembersPlan }> {
  const all = jobsOf(open.refs.length, open.layers);
  const reused = reusedFits(all, open.refs, options.reuse ?? []);
  const toRun = notIn(all, reused);
  const rates = toRun.length
    ? await calibrateMembers(open, toRun, settings, options.probe.normalization, signal)
    : undefined;
  return {
    decide: (budgetSeconds) =>
      rates
        ? decidePlan({ tables: open.tables, settings }, rates, open, all, reused, budgetSeconds)
        : { jobs: all, reused, probes: open.probe.count, layers: open.layers },
  };
}

/**
 * The fits still to run estimated, and with a budget cut to fit it. Reused fits were measured on the asked probe
 * count: a budget that chooses fewer probes plans every fit again. A budget leaves out whole layers, and their reused
 * fits with them.
 */
function decidePlan(
  shape: MembersShape,
  rates: CostRates,
  open: Pick<OpenMembers, 'probe' | 'layers'>,
  all: FitJob[],
  reused: FitResult[],
  budgetSeconds: number | undefined,
): MembersPlan {
  const asked = open.probe.count;
  let planned = planJobs(shape, notIn(all, reused), asked, rates, budgetSeconds);
  if (planned.probes !== asked && reused.length) {
    reused = [];
    planned = planJobs(shape, all, asked, rates, budgetSeconds);
  }
  const dropped = new Set(planned.plan.budget?.dropped.map((d) => d.layerA));
  return {
    jobs: all.filter((j) => !dropped.has(j.layer)),
    reused: reused.filter((f) => !dropped.has(f.layer)),
    probes: planned.probes,
    layers: open.layers.filter((l) => !dropped.has(l)),
    plan: planned.plan,
  };
}

export type EstimateHooks = Pick<ManyModelHooks, 'signal' | 'log'>;

/**
 * The estimate of a family or drift run without running it, for a host that asks before it starts one: opens the
 * members, calibrates (seconds), and estimates the fits not reused; with options.budgetSeconds also what fits it.
 */
export async function estimateManyModel(
  paths: readonly string[],
  options: ManyModelOptions,
  jobsOf: (count: number, layers: readonly string[]) => FitJob[],
  hooks: EstimateHooks = {},
): Promise<CompareEstimate> {
  const settings = resolveSettings(options.settings);
  const progress = new ProgressTracker(undefined);
  return withOpenMembers(paths, options, settings, { ...hooks, progress }, async (open) => {
    const { decide } = await planMembers(open, options, settings, jobsOf, hooks.signal);
    const asked = decide().plan?.estimate ?? nothingToRun(open.probe.count);
    if (options.budgetSeconds === undefined) return { asked };
    const budget = decide(options.budgetSeconds).plan?.budget;
    return budget ? { asked, budget } : { asked };
  });
}

function nothingToRun(probes: number): CostEstimate {
  const none = { extractSeconds: 0, similaritySeconds: 0, disentangleSeconds: 0, totalSeconds: 0 };
  return { probes, ...none, fits: [], calibration: 'nothing to run: every fit is reused' };
}

/** The jobs without a result among `done`. */
function notIn(jobs: readonly FitJob[], done: readonly FitResult[]): FitJob[] {
  const keys = new Set(done.map((f) => f.key));
  return jobs.filter((j) => !keys.has(j.key));
}

/** The jobs an earlier run finished, by the two models' content and the layer, under this run's keys. */
function reusedFits(jobs: readonly FitJob[], refs: readonly ModelRef[], reuse: readonly ReusedFit[]): FitResult[] {
  if (reuse.length === 0) return [];
  const byContent = new Map(reuse.map((r) => [`${r.source} ${r.target} ${r.layer}`, r.result]));
  return jobs.flatMap((job) => {
    const result = byContent.get(`${refs[job.source].sha256} ${refs[job.target].sha256} ${job.layer}`);
    return result ? [{ ...result, ...job }] : [];
  });
}
