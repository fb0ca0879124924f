/**
 * Progress of a running job, as data: the engine fills it (src/engine/progress.ts), the worker forwards it, the CLI,
 * the notification and the panel render it with `progressLabel`. Nothing parses a label back.
 */
import type { Direction } from './report';
import { arrowText } from './format';

/** One count inside a phase, as a model adapter, the matrix or a training loop reports it. */
export interface StepProgress {
  done: number;
  total: number;
  /** e.g. the current loss. */
  detail?: string;
}

export type ProgressPhase = 'load' | 'extract' | 'similarity' | 'disentangle';

/** The disentangler fit in flight: the index-th of `count` (pair × direction) fits, from 1. */
export interface ProgressPair {
  index: number;
  count: number;
  layerA: string;
  layerB: string;
  direction: Direction;
}

/** A queue worker's fit in flight (kc compare --queue): who runs which fit, how far. */
export interface WorkerProgress extends StepProgress {
  worker: string;
  layerA: string;
  layerB: string;
  direction: Direction;
}

export interface Progress extends StepProgress {
  phase: ProgressPhase;
  /** The model being loaded or extracted: 'A' or 'B' in a compare, a model's name in a family or drift job. */
  model?: string;
  pair?: ProgressPair;
  /** When fits run side by side: every fit in flight (started, result not yet streamed), as plan indices from 1. */
  running?: number[];
  /** With a queue: each worker's fit in flight, by worker name. */
  workers?: WorkerProgress[];
  /** 0..1 over the whole job; never decreases within one job. */
  overallFraction: number;
  /** Estimated seconds left for the whole job; absent until there is enough to go on. */
  etaSeconds?: number;
}

/** What `done`/`total` count in each phase. */
export const PROGRESS_UNIT: Record<ProgressPhase, string> = {
  load: 'models',
  extract: 'samples',
  similarity: 'cells',
  disentangle: 'epoch',
};

/** "2 min 05 s", "40 s": for estimates, so no more precision than a person needs. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * A duration as people write it, to seconds: "3m", "90s", "1m30s", "1h", "2.5 min", or a plain number of seconds.
 * Undefined for anything else (and for zero or less).
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) > 0 ? Number(t) : undefined;
  const unit: Record<string, number> = { h: 3600, m: 60, min: 60, s: 1, sec: 1 };
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*(h|min|m|sec|s)\s*/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== t) return undefined;
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]], 0);
  return seconds > 0 ? seconds : undefined;
}

/** The one-line text of a progress update, the same in the CLI, the notification and the panel. */
export function progressLabel(p: Progress, options: { counts?: boolean } = {}): string {
  const what =
    p.phase === 'load'
      ? 'loading models'
      : p.phase === 'extract'
        ? `extracting features of ${p.model ?? 'a model'}`
        : p.phase === 'similarity'
          ? 'similarity matrix'
          : p.pair
            ? `pair ${p.pair.index}/${p.pair.count} ${p.pair.layerA} ↔ ${p.pair.layerB}, ${arrowText(p.pair.direction)}`
            : 'disentangling';
  const parts = [what];
  if (options.counts !== false && p.total > 0) parts.push(`${PROGRESS_UNIT[p.phase]} ${p.done}/${p.total}`);
  if (p.detail) parts.push(p.detail);
  if (p.workers?.length) {
    const each = p.workers.map((w) => `${w.worker} ${w.total > 0 ? `${w.done}/${w.total}` : 'starting'}`);
    parts.push(`${p.workers.length} worker${p.workers.length === 1 ? '' : 's'}: ${each.join(', ')}`);
  }
  if (p.etaSeconds !== undefined) parts.push(`about ${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}
