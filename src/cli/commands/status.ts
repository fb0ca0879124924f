import type { Command } from 'commander';
import { KcError } from '../../engine/errors';
import { connectRedis, redactedUrl } from '../../engine/queue/redis';
import { onQueueRun, RUN_ID } from '../../engine/queue/run-record';
import { queueRunStatus } from '../../engine/queue/status';
import { terminalText } from '../../engine/report/escape';
import { QUEUE_STATUS_EXIT, type QueueFitStatus, type QueueRunStatus } from '../../protocol/queue-status';

interface StatusFlags {
  queue: string;
  json?: boolean;
  follow?: boolean;
}

/** --follow reads the queue this often. */
const FOLLOW_MS = 2000;

/**
 * `kc status <run> --queue <url>`: where a queued run stands, from any machine — fits completed, running (on which
 * worker, at which epoch), waiting and failed, the workers connected, and whether a coordinator still follows it.
 * Exit code: 0 every fit done, 1 no such run, 2 still running, 3 stopped (fits withdrawn, no coordinator left).
 * Also prints, for every kc compare | family | drift --queue, the run's id as it publishes its fits.
 */
export function registerStatus(program: Command): void {
  announceRuns(program);
  program
    .command('status')
    .description(
      'where a run queued with --queue stands (fits done, running, waiting, failed; workers): exit 0 done, 1 unknown run, 2 running, 3 stopped',
    )
    .argument('<run>', 'the run id that kc compare | family | drift --queue printed (8 hex digits)')
    .requiredOption('--queue <url>', 'the Redis server of the queue, e.g. redis://127.0.0.1:6379')
    .option('--json', 'print the status as JSON (QueueRunStatus)')
    .option('--follow', 'read it again every 2 s until every fit is done (or the run is stopped)')
    .action(async (id: string, flags: StatusFlags) => {
      if (!RUN_ID.test(id))
        throw new KcError(`a run id is 8 hex digits (as kc compare --queue prints it), got "${id}"`);
      const connection = await connectRedis(flags.queue);
      let status = await queueRunStatus(connection, id);
      if (!status) throw new KcError(`no run ${id} on ${redactedUrl(flags.queue)} (unknown, or older than 30 days)`);
      let last = '';
      while (flags.follow && !status.done && !status.stopped) {
        const line = summaryLine(status);
        if (!flags.json && line !== last) process.stderr.write(`${terminalText(line)}\n`);
        last = line;
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
        status = (await queueRunStatus(connection, id)) ?? status;
      }
      // Layer and model names are printed as text, line by line (terminalText makes one line of what it gets).
      const text = flags.json ? JSON.stringify(status, null, 2) : render(status).map(terminalText).join('\n');
      process.stdout.write(`${text}\n`);
      process.exitCode = status.done
        ? QUEUE_STATUS_EXIT.done
        : status.stopped
          ? QUEUE_STATUS_EXIT.stopped
          : QUEUE_STATUS_EXIT.running;
    });
}

/**
 * A coordinator says its run's id on stderr as it publishes the fits — also with --quiet: it is the handle to follow
 * the run from elsewhere, or after this terminal is gone.
 */
function announceRuns(program: Command): void {
  program.hook('preAction', (_program, action) => {
    const url = (action.opts() as { queue?: unknown }).queue;
    if (action.name() === 'status' || typeof url !== 'string') return;
    onQueueRun((run) => {
      const line = `run ${run.id}: follow it from any machine with kc status ${run.id} --queue ${redactedUrl(url)}`;
      // Above a progress bar being drawn in place: clear its line first; the bar redraws at its next update.
      process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}${terminalText(line)}\n`);
    });
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line: how many fits are where. */
function summaryLine(s: QueueRunStatus): string {
  const c = s.counts;
  const parts = [
    `${c.completed + c.skipped}/${s.fits.length} done`,
    `${c.running} running`,
    `${c.waiting} waiting`,
    ...(c.retrying ? [`${c.retrying} retrying`] : []),
    `${c.failed} failed`,
    ...(c.missing ? [`${c.missing} not queued`] : []),
  ];
  return `${parts.join(' · ')} · ${plural(s.workers.length, 'worker')}`;
}

function render(s: QueueRunStatus): string[] {
  const { run } = s;
  const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const fit = (f: QueueFitStatus) => `  ${f.label}`;
  const lines = [
    `run ${run.id} · kc ${run.command} ${run.models.join(' ')} · started ${when(run.startedAt)}${run.finishedAt ? ` · finished ${when(run.finishedAt)}` : ''}`,
    `fits: ${summaryLine(s)}`,
  ];
  const of = (state: QueueFitStatus['state']) => s.fits.filter((f) => f.state === state);
  const running = of('running');
  if (running.length) {
    lines.push('running:');
    for (const f of running) {
      const epoch = f.progress ? `, epoch ${f.progress.done}/${f.progress.total}` : '';
      lines.push(`${fit(f)} on ${f.worker ?? 'a worker'}${epoch}`);
    }
  }
  for (const [state, title] of [
    ['retrying', 'retrying after a failure'],
    ['failed', 'failed (the report lists them as skipped)'],
    ['skipped', 'skipped (their data could not be fitted)'],
  ] as const) {
    const fits = of(state);
    if (!fits.length) continue;
    lines.push(`${title}:`);
    for (const f of fits) {
      const tries = f.attempts ? ` (${plural(f.attempts, 'attempt')})` : '';
      lines.push(`${fit(f)}: ${f.reason ?? 'no reason given'}${tries}`);
    }
  }
  lines.push(
    `workers connected: ${s.workers.length ? s.workers.join(', ') : 'none (nothing runs until kc worker starts)'}`,
  );
  lines.push(`coordinator: ${s.coordinator ? `${s.coordinator} follows the run` : 'none following the run'}`);
  const again = `run the same kc ${run.command} command again`;
  const finished = s.counts.completed + s.counts.skipped;
  if (s.stopped)
    lines.push(
      `stopped: ${plural(s.counts.missing, 'fit')} no longer queued and no coordinator to publish them: ${again} to finish it (its ${finished} finished fit(s) are reused, not fitted again)`,
    );
  else if (!s.done && !s.coordinator)
    lines.push(`the queued fits still run on the workers; ${again} for the report (finished fits are reused)`);
  else if (s.done && !run.finishedAt)
    lines.push(`every fit is done but no coordinator wrote the report: ${again} for it (nothing is fitted again)`);
  return lines;
}
