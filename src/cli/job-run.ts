import { CancelledError } from '../engine/cancel';
import type { ManyModelHooks } from '../engine/family/many';
import { writeOutput } from '../engine/report/write';
import type { ManyModelReport } from '../protocol/family';
import type { RunPlan } from '../protocol/report';
import { partialManyModelReport } from './partial-report';
import { createProgressBar } from './progress';

/**
 * Runs a many-model job (kc family, kc drift) with the progress bar on stderr, Ctrl-C / SIGTERM as cancellation, its
 * plan before the heavy work, and the engine's log lines with --verbose, each once. Cancelled after some fits finished, it returns the report of those
 * (exit code 130) so that the caller still prints and writes them; cancelled before, it ends with "kc: cancelled".
 */
export async function runJob<T extends ManyModelReport>(
  flags: { quiet?: boolean; verbose?: boolean },
  job: (hooks: ManyModelHooks<T>) => Promise<T>,
  /** The lines that say the plan, printed before the heavy work unless --quiet. */
  planned: (plan: RunPlan) => string[] = () => [],
): Promise<T> {
  const bar = createProgressBar(process.stderr, { quiet: flags.quiet });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const logged = new Set<string>();
  let latest: T | undefined;
  try {
    return await job({
      signal: controller.signal,
      onUpdate: (report) => (latest = report),
      onPlan: (plan) => {
        if (!flags.quiet) planned(plan).forEach((line) => bar.log(line));
      },
      onProgress: (p) => bar.update(p),
      log: (m) => {
        if (flags.verbose && !logged.has(m)) bar.log(m);
        logged.add(m);
      },
    });
  } catch (error) {
    const partial = error instanceof CancelledError && latest ? partialManyModelReport(latest) : undefined;
    if (!partial) throw error;
    process.exitCode = 130;
    return partial;
  } finally {
    bar.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writes each asked report (atomically; call checkReportTargets before the job) and says which were written. */
export async function writeJobReports(outputs: Array<{ file?: string; render: () => string }>): Promise<void> {
  const written: string[] = [];
  for (const { file, render } of outputs) {
    if (!file) continue;
    await writeOutput(file, render());
    written.push(file);
  }
  if (written.length > 0) process.stdout.write(`\nreports written: ${written.join(', ')}\n`);
}
