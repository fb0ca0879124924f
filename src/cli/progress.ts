import type { Progress } from '../engine/cancel';

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

/**
 * A one-line progress bar on a TTY stream (stderr, so stdout stays clean for tables and pipes). On a non-TTY
 * stream it draws nothing and prints log lines only, so CI logs are not flooded with carriage returns.
 */
export function createProgressBar(stream: NodeJS.WriteStream): ProgressBar {
  const tty = Boolean(stream.isTTY);
  let last: Progress | undefined;
  let lastDraw = 0;
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (!last) return;
    const { stage, done, total, detail } = last;
    const f = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(f * WIDTH);
    const text = `${stage} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${done}/${total}${detail ? ` ${detail}` : ''}`;
    const columns = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${text.length >= columns ? `${text.slice(0, columns - 2)}…` : text}`);
    shown = true;
    lastDraw = Date.now();
  };
  return {
    update(progress) {
      last = progress;
      if (!tty) return;
      const stageEnd = progress.done >= progress.total;
      if (stageEnd || Date.now() - lastDraw >= MIN_INTERVAL_MS) draw();
    },
    log(line) {
      if (tty) clear();
      stream.write(`${line}\n`);
      if (tty) draw();
    },
    done() {
      if (tty) clear();
    },
  };
}
