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
import type { BackendInfo, DisentangleSettings, ModelRef, ProbeInfo } from '../../protocol/report';
import type { FitJob } from './jobs';
import { extractMembers } from './members';
import { runFits } from './run-fits';

export interface ManyModelHooks<R extends ManyModelReport = ManyModelReport> {
  signal?: CancelSignal;
  onProgress?: ProgressSink;
  log?: (line: string) => void;
  onFit?(fit: FitResult): void;
  /** The report so far: once the members are extracted (with the reused fits), then after each fit or skip. */
  onUpdate?(report: R): void;
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
}

export async function runManyModel<R extends ManyModelReport>(
  paths: readonly string[],
  options: ManyModelOptions,
  plan: (count: number, layers: readonly string[]) => FitJob[],
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
  const members = await extractMembers(paths, options, settings, {
    ...hooks,
    progress,
    needed: (refs, layers) => {
      jobs = plan(refs.length, layers);
      reused = reusedFits(jobs, refs, options.reuse ?? []);
      const done = new Set(reused.map((f) => f.key));
      return new Set(jobs.filter((j) => !done.has(j.key)).flatMap((j) => [j.source, j.target]));
    },
  });
  try {
    const done = new Set(reused.map((f) => f.key));
    const remaining = jobs.filter((j) => !done.has(j.key));
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
    const run = queue
      ? await runFitsOnQueue(queue, remaining, members, options, settings, fitHooks)
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

/** The jobs an earlier run finished, by the two models' content and the layer, under this run's keys. */
function reusedFits(jobs: readonly FitJob[], refs: readonly ModelRef[], reuse: readonly ReusedFit[]): FitResult[] {
  if (reuse.length === 0) return [];
  const byContent = new Map(reuse.map((r) => [`${r.source} ${r.target} ${r.layer}`, r.result]));
  return jobs.flatMap((job) => {
    const result = byContent.get(`${refs[job.source].sha256} ${refs[job.target].sha256} ${job.layer}`);
    return result ? [{ ...result, ...job }] : [];
  });
}
