import type { Command } from 'commander';
import type { ManyModelHooks } from '../engine/family/many';
import { checkReportTargets, type ReportInput } from '../engine/report/targets';
import type { BackendPreference } from '../protocol/compare';
import type { ManyModelOptions, ManyModelReport } from '../protocol/family';
import type { RunPlan } from '../protocol/report';
import { addEngineOptions, engineSettings, type EngineFlags } from './engine-flags';
import { runJob, writeJobReports } from './job-run';
import { BUDGET_FLAG_HELP, budgetLines, DEFAULT_BUDGET, budgetSeconds, planLines } from './plan-lines';
import { addProbeOptions, probeInput, probeOptions, splitList, type ProbeFlags } from './probe-flags';
import { addTorchOptions, pytorchOptions, type TorchFlags } from './torch-flags';

/** The flags kc family and kc drift share. */
export interface ManyModelFlags extends EngineFlags, ProbeFlags, TorchFlags {
  layers?: string[];
  backend: BackendPreference;
  verbose?: boolean;
  quiet?: boolean;
  json?: string;
  html?: string;
  queue?: string;
  budget?: string;
}

/** Adds the options kc family and kc drift share; `member` is what each compared model is, `report` the report's name. */
export function addManyModelOptions(command: Command, member: string, report: string): Command {
  addTorchOptions(addProbeOptions(command)).option(
    '--layers <names>',
    `same-named layers to compare in every ${member}, comma-separated or repeated (default: the probe points all share)`,
    splitList,
  );
  return addEngineOptions(command)
    .option('--verbose', "print the engine's log lines as they happen")
    .option('--quiet', 'no progress on stderr (errors and the results still print)')
    .option(
      '--budget <duration>',
      BUDGET_FLAG_HELP.replace('layer pairs', `layers (each in every ${member})`),
      DEFAULT_BUDGET,
    )
    .option('--json <file>', `write the ${report} report as JSON`)
    .option('--html <file>', 'write the self-contained HTML report')
    .option(
      '--queue <url>',
      'run the fits on kc workers through this Redis job queue (kc worker --redis <url>); they read the features from --cache-dir: a folder they see at the same path',
    );
}

/** The job options the shared flags set. */
export function manyModelOptions(flags: ManyModelFlags): ManyModelOptions {
  return {
    probe: probeOptions(flags),
    layers: flags.layers,
    settings: engineSettings(flags),
    backend: flags.backend,
    cacheDir: flags.cacheDir,
    queue: flags.queue,
    pytorch: pytorchOptions(flags),
    budgetSeconds: budgetSeconds(flags.budget),
  };
}

/**
 * Runs a many-model job as a command: checks that no report would overwrite an input, runs it (runJob), prints its
 * plan, its summary and what a budget chose, and writes the asked JSON / HTML reports.
 */
export async function runManyModelCommand<R extends ManyModelReport>(
  flags: ManyModelFlags,
  models: ReportInput[],
  job: (hooks: ManyModelHooks<R>) => Promise<R>,
  render: { summary(report: R): string; html(report: R): string },
): Promise<void> {
  await checkReportTargets({ json: flags.json, html: flags.html }, [...models, ...probeInput(flags)]);
  const report = await runJob<R>(flags, job, (plan) => planLines(plan, plan.estimate.fits.length, scope(plan, models)));
  process.stdout.write(`${render.summary(report)}\n`);
  if (report.plan?.budget) process.stdout.write(`${budgetLines(report.plan.budget, true)}\n`);
  await writeJobReports([
    { file: flags.json, render: () => `${JSON.stringify(report, null, 2)}\n` },
    { file: flags.html, render: () => render.html(report) },
  ]);
}

/** "4 models × 3 layers": what the planned fits are made of (every fit names a same-named layer of two members). */
function scope(plan: RunPlan, members: readonly ReportInput[]): string {
  const layers = new Set(plan.estimate.fits.map((f) => f.layerA)).size;
  const noun = members[0]?.what.split(' ')[0] ?? 'model';
  return `${members.length} ${noun}s × ${layers} layer${layers === 1 ? '' : 's'}`;
}
