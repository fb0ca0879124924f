import type { ManyModelHooks } from '../engine/family/family';
import { writeOutput } from '../engine/report/write';
import { createProgressBar } from './progress';

/**
 * Runs a many-model job (kc family, kc drift) with the progress bar on stderr, Ctrl-C / SIGTERM as cancellation (the
 * job ends with "kc: cancelled", exit 130), and the engine's log lines with --verbose, each once.
 */
export async function runJob<T>(
  flags: { quiet?: boolean; verbose?: boolean },
  job: (hooks: ManyModelHooks) => Promise<T>,
): Promise<T> {
  const bar = createProgressBar(process.stderr, { quiet: flags.quiet });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const logged = new Set<string>();
  try {
    return await job({
      signal: controller.signal,
      onProgress: (p) => bar.update(p),
      log: (m) => {
        if (flags.verbose && !logged.has(m)) bar.log(m);
        logged.add(m);
      },
    });
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
