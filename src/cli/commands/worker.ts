import type { Command } from 'commander';
import { KcError } from '../../engine/errors';
import { startFitWorker } from '../../engine/queue/worker';
import { terminalText } from '../../engine/report/escape';
import { int } from '../engine-flags';

interface WorkerFlags {
  redis: string;
  concurrency: string;
  stalledSeconds: string;
  verbose?: boolean;
}

/**
 * `kc worker --redis <url>`: runs the disentangler fits that `kc compare/family/drift --queue <url>` put on the queue,
 * until Ctrl-C or SIGTERM (the running fits finish first; a second signal stops at once, and those fits go back to the
 * queue). It reads the features from the coordinator's --cache-dir: the same folder, at the same path, on every
 * machine (e.g. NFS).
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      "run disentangler fits from a Redis job queue for kc compare, family and drift --queue (reads the coordinator's --cache-dir)",
    )
    .requiredOption('--redis <url>', 'the Redis server of the queue, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'fits run at once in this process', '1')
    .option(
      '--stalled-seconds <s>',
      "how long a fit's lock lasts unrenewed: a dead worker's fits are run elsewhere after this",
      '30',
    )
    .option('--verbose', "print the engine's log lines (resampling, constant channels) as they happen")
    .action(async (flags: WorkerFlags) => {
      const concurrency = positive(flags.concurrency, '--concurrency');
      const stalledSeconds = positive(flags.stalledSeconds, '--stalled-seconds');
      const line = (text: string) => process.stdout.write(`${terminalText(text)}\n`);
      const worker = await startFitWorker({
        redis: flags.redis,
        concurrency,
        stalledSeconds,
        log: line,
        engineLog: flags.verbose ? line : undefined,
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.once('SIGINT', () => process.exit(130));
          process.once('SIGTERM', () => process.exit(130));
          line(`stopping: ${worker.running()} running fit(s) finish first (Ctrl-C again to stop now)`);
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

function positive(value: string, flag: string): number {
  const n = int(value, flag)!;
  if (n < 1) throw new KcError(`${flag} needs a whole number ≥ 1, got "${value}"`);
  return n;
}
