/**
 * kc family / kc drift --queue: their fits (family/jobs.ts) run on kc workers instead of in a loop here. Each is the
 * queue's one kind of job (fit-job.ts): model i's layer explaining model j's, A->B, with only linear CKA beside it,
 * as family/jobs.ts fitJob computes it. Returns what runFits returns, in the jobs' order.
 */
import type { ConnectionOptions } from 'bullmq';
import type { DisentangleSettings } from '../../protocol/report';
import type { FitResult, ManyModelOptions, SkippedFit } from '../../protocol/family';
import { fitResult, type FitJob } from '../family/jobs';
import { memberFeatures, type Members } from '../family/members';
import type { FitRun, FitRunHooks } from '../family/run-fits';
import { KcError } from '../errors';
import { workersBackend } from './backend';
import { runOnQueue, type QueuedFit } from './dispatch';
import { fitJobId } from './job-id';
import { probeIdentity } from './plan';
import { queueProgress } from './progress';
import { runId } from './run-record';

export async function runFitsOnQueue(
  connection: ConnectionOptions,
  jobs: readonly FitJob[],
  members: Pick<Members, 'features' | 'refs' | 'backend'>,
  // kc drift's options name its checkpoint folder (DriftOptions.folder), kc family's do not.
  options: Pick<ManyModelOptions, 'probe' | 'backend'> & { folder?: string },
  settings: DisentangleSettings,
  hooks: FitRunHooks,
): Promise<FitRun> {
  const started = performance.now();
  const fits = queuedFits(jobs, members, options, settings);
  const bar = queueProgress(hooks.progress, fits);
  const byId = new Map(fits.map((f, i) => [f.id, jobs[i]]));
  let reused = 0;
  const outcomes = await runOnQueue(connection, fits, {
    signal: hooks.signal,
    run: { command: options.folder === undefined ? 'family' : 'drift', models: members.refs.map((r) => r.name) },
    onProgress: bar.onProgress,
    onWorkers: bar.onWorkers,
    onOutcome: (fit, outcome, earlier) => {
      if (earlier) reused++;
      bar.finished(fit);
      if ('pair' in outcome) hooks.onFit?.(fitResult(byId.get(fit.id)!, outcome.pair));
    },
  });
  const results: FitResult[] = [];
  const skipped: SkippedFit[] = [];
  const warnings = new Set<string>();
  fits.forEach((fit, i) => {
    const outcome = outcomes.get(fit.id)!;
    if ('pair' in outcome) {
      results.push(fitResult(jobs[i], outcome.pair));
      outcome.pair.warnings?.forEach((w) => warnings.add(w));
    } else {
      skipped.push({ ...jobs[i], reason: outcome.skipped });
      warnings.add(`${fit.data.layerA} → ${fit.data.layerB} skipped: ${outcome.skipped}`);
    }
  });
  return {
    fits: results,
    skipped,
    warnings: [...warnings],
    seconds: (performance.now() - started) / 1000,
    backend: workersBackend([...outcomes.values()], members.backend.info, reused, runId(fits.map((f) => f.id))),
  };
}

function queuedFits(
  jobs: readonly FitJob[],
  members: Pick<Members, 'features' | 'refs'>,
  options: Pick<ManyModelOptions, 'probe' | 'backend'>,
  settings: DisentangleSettings,
): QueuedFit[] {
  const probe = { ...options.probe, source: probeIdentity(options.probe.source) };
  const hash = (i: number) => {
    const sha = members.refs[i].sha256;
    if (!sha) throw new KcError(`${members.refs[i].name} has no content hash: its fits cannot be keyed`, 'internal');
    return sha;
  };
  return jobs.map((job) => {
    const fit = {
      // How the report's warnings name them, as runFits does.
      layerA: `${members.refs[job.source].name} ${job.layer}`,
      layerB: `${members.refs[job.target].name} ${job.layer}`,
      direction: 'A->B' as const,
      settings,
      backend: options.backend ?? 'auto',
      similarity: 'linear-cka' as const,
    };
    return {
      id: fitJobId({ ...fit, models: [hash(job.source), hash(job.target)], probe }),
      data: {
        ...fit,
        featuresA: memberFeatures(members.features, job.source).file(job.layer),
        featuresB: memberFeatures(members.features, job.target).file(job.layer),
      },
    };
  });
}
