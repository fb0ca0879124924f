/**
 * Turns the engine's per-stage progress into one line and one overall fraction for the notification.
 * Stage weights are rough shares of a typical run (disentangler training dominates); only the order matters for
 * a bar that must never move backwards.
 */
import type { Progress } from '../../engine/cancel';

const LOAD_END = 0.05;
const EXTRACT_A_END = 0.2;
const EXTRACT_B_END = 0.35;
const MATRIX_END = 0.4;

export function progressMessage(p: Progress): string {
  const unit = /^pair /.test(p.stage) ? 'epoch ' : /^extract /.test(p.stage) ? 'samples ' : '';
  return `${p.stage} · ${unit}${p.done}/${p.total}${p.detail ? ` · ${p.detail}` : ''}`;
}

/** 0..1 over the whole compare, or undefined for a stage this mapping does not know. */
export function overallFraction(p: Progress): number | undefined {
  const f = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  if (p.stage.startsWith('load')) return LOAD_END * f;
  if (p.stage.startsWith('extract A')) return LOAD_END + (EXTRACT_A_END - LOAD_END) * f;
  if (p.stage.startsWith('extract B')) return EXTRACT_A_END + (EXTRACT_B_END - EXTRACT_A_END) * f;
  if (/matrix|cka/i.test(p.stage)) return EXTRACT_B_END + (MATRIX_END - EXTRACT_B_END) * f;
  const pair = /^pair (\d+)\/(\d+)/.exec(p.stage);
  if (pair) {
    const [index, count] = [Number(pair[1]), Number(pair[2])];
    return MATRIX_END + (1 - MATRIX_END) * ((index - 1 + f) / count);
  }
  return undefined;
}

/** Keeps the bar monotone: returns the increment (in percent) to report, 0 when the fraction did not grow. */
export class ProgressMeter {
  private reported = 0;

  advance(fraction: number | undefined): number {
    if (fraction === undefined || fraction <= this.reported) return 0;
    const increment = (fraction - this.reported) * 100;
    this.reported = fraction;
    return increment;
  }

  get fraction(): number {
    return this.reported;
  }
}
