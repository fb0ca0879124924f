import { terminalText } from '../engine/report/escape';
import { formatDuration, progressLabel, type Progress } from '../protocol/progress';

export interface ProgressBar {
  update(progress: Progress): void;
  /** A log line printed above the bar (the bar is redrawn below it). */
  log(line: string): void;
  /** Clears the bar; call once, in a finally. */
  done(): void;
}

const WIDTH = 24;
/** Redraws at most this often: progress arrives per epoch, which can be hundreds per second on small pairs. */
const MIN_INTERVAL_MS = 80;
/** Without a TTY (CI logs, nohup on a remote box) a line at each new phase or pair, else at most this often. */
const PLAIN_INTERVAL_MS = 30_000;

/**
 * Progress on stderr (stdout stays clean for tables and pipes). On a TTY: a one-line bar redrawn in place with the
 * overall percentage and the time left. Elsewhere: plain lines, one per phase or pair and every 30 s, so a CI log shows
 * the job is alive (with the time spent and the time left) without a flood of carriage returns; nothing with `quiet`. Labels and log lines name layers and models: they are printed
 * as text (terminalText), never as control sequences.
 */
export function createProgressBar(
  stream: NodeJS.WriteStream,
  options: { now?: () => number; quiet?: boolean } = {},
): ProgressBar {
  const now = options.now ?? Date.now;
  const started = now();
  const tty = Boolean(stream.isTTY);
  let last: Progress | undefined;
  let lastDraw = -Infinity;
  // Steps already announced: fits run concurrently, so their updates interleave and only a new one earns a line.
  const announced = new Set<string>();
  let shown = false;
  const percent = (p: Progress) => `${Math.floor(p.overallFraction * 100)}%`.padStart(4);
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (!last) return;
    const filled = Math.round(last.overallFraction * WIDTH);
    const text = `${percent(last)} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${terminalText(progressLabel(last))}`;
    const columns = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${text.length >= columns ? `${text.slice(0, columns - 2)}…` : text}`);
    shown = true;
    lastDraw = now();
  };
  return {
    update(progress) {
      last = progress;
      if (options.quiet) return;
      if (tty) {
        if (progress.done >= progress.total || now() - lastDraw >= MIN_INTERVAL_MS) draw();
        return;
      }
      const step = `${progress.phase} ${progress.model ?? ''} ${progress.pair?.index ?? ''}`;
      if (!announced.has(step) || now() - lastDraw >= PLAIN_INTERVAL_MS) {
        announced.add(step);
        lastDraw = now();
        stream.write(
          `[${percent(progress).trim()} · ${formatDuration((now() - started) / 1000)}] ${terminalText(progressLabel(progress))}\n`,
        );
      }
    },
    log(line) {
      if (tty) clear();
      stream.write(`${terminalText(line)}\n`);
      if (tty) draw();
    },
    done() {
      if (tty) clear();
    },
  };
}
