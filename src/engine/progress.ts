/**
 * The one place where the steps of a job become Progress: which phase, which pair, the overall fraction and the
 * estimate of time left. Parts of the engine (model adapters, the matrix, the training loop) only count steps.
 */
import type { Progress, ProgressPair, ProgressPhase, StepProgress } from '../protocol/progress';

export type ProgressSink = (progress: Progress) => void;
export type StepSink = (step: StepProgress) => void;

/**
 * Share of the overall bar per phase of a compare: rough shares of a typical run (disentangler training dominates).
 * They only place the bar; the estimate of time left uses the phase's own measured rate once it has one.
 */
const SPANS = {
  load: [0, 0.03],
  extractA: [0.03, 0.15],
  extractB: [0.15, 0.27],
  similarity: [0.27, 0.35],
  disentangle: [0.35, 1],
} as const;

/** No estimate before this much of a phase (or of the job) is done and this long has passed: early rates mislead. */
const MIN_FRACTION_FOR_ETA = 0.02;
const MIN_SECONDS_FOR_ETA = 2;

export class ProgressTracker {
  private reported = 0;
  private readonly started: number;
  private disentangleStarted: number | undefined;

  /** `disentangleOnly`: a job that is all disentangler fits (kc disentangle), so the pairs span the whole bar. */
  constructor(
    private readonly sink: ProgressSink | undefined,
    private readonly options: { disentangleOnly?: boolean; now?: () => number } = {},
  ) {
    this.started = this.now();
  }

  load(): StepSink {
    return this.phase('load', SPANS.load);
  }

  extract(model: 'A' | 'B'): StepSink {
    return this.phase('extract', model === 'A' ? SPANS.extractA : SPANS.extractB, { model });
  }

  /** The index-th (from 0) of `count` models of a many-model job (kc family, kc drift): they share the extract span,
   * and no similarity phase follows. */
  extractMember(index: number, count: number, model: string): StepSink {
    const [from, to] = [SPANS.extractA[0], SPANS.extractB[1]];
    const width = (to - from) / count;
    return this.phase('extract', [from + width * index, from + width * (index + 1)], { model });
  }

  similarity(): StepSink {
    return this.phase('similarity', SPANS.similarity);
  }

  /** The index-th of pair.count fits shares the disentangle span equally with the others. */
  pair(pair: ProgressPair): StepSink {
    const [from, to] = this.options.disentangleOnly ? [0, 1] : SPANS.disentangle;
    const width = (to - from) / pair.count;
    const start = from + width * (pair.index - 1);
    this.disentangleStarted ??= this.now();
    return this.phase('disentangle', [start, start + width], { pair });
  }

  /**
   * Fits that may run side by side, each the index-th of its pair.count with an equal share of the disentangle
   * span. The bar shows the sum of what each has done; `finish` (when its result is streamed) counts a fit whole,
   * however early it stopped. Each update names its own fit and, while several are in flight, all of them
   * (`running`), so a host that marks fits in plan order keeps every one of them marked as running.
   */
  concurrentPairs(): { start(pair: ProgressPair): StepSink; finish(index: number): void } {
    const done = new Map<number, number>();
    const running = new Map<number, { pair: ProgressPair; step: StepProgress }>();
    const [from, to] = this.options.disentangleOnly ? [0, 1] : SPANS.disentangle;
    const update = (fit: { pair: ProgressPair; step: StepProgress }) => {
      const share = [...done.values()].reduce((a, f) => a + f, 0) / fit.pair.count;
      const inFlight = [...running.keys()].sort((a, b) => a - b);
      const extra = { pair: fit.pair, ...(inFlight.length > 1 ? { running: inFlight } : {}) };
      this.report('disentangle', from + (to - from) * share, extra, fit.step);
    };
    return {
      start: (pair) => {
        this.disentangleStarted ??= this.now();
        const fit = { pair, step: { done: 0, total: 0 } };
        running.set(pair.index, fit);
        return (step) => {
          if (!running.has(pair.index)) return;
          fit.step = step;
          done.set(pair.index, fractionOf(step));
          update(fit);
        };
      },
      finish: (index) => {
        running.delete(index);
        done.set(index, 1);
        const next = running.get(Math.min(...running.keys()));
        if (next) update(next);
      },
    };
  }

  private phase(phase: ProgressPhase, [from, to]: readonly [number, number], extra: Partial<Progress> = {}): StepSink {
    return (step) => this.report(phase, from + (to - from) * fractionOf(step), extra, step);
  }

  private report(phase: ProgressPhase, fraction: number, extra: Partial<Progress>, step: StepProgress): void {
    this.reported = Math.max(this.reported, fraction);
    const etaSeconds = this.eta();
    this.sink?.({
      ...extra,
      ...step,
      phase,
      overallFraction: this.reported,
      ...(etaSeconds !== undefined ? { etaSeconds } : {}),
    });
  }

  /** From the disentangle phase's own rate once it runs (most of the time, and unlike the load-bound phases), else from the whole job's. */
  private eta(): number | undefined {
    const now = this.now();
    const [from] = this.options.disentangleOnly ? [0] : SPANS.disentangle;
    if (this.disentangleStarted !== undefined) {
      const f = (this.reported - from) / (1 - from);
      const elapsed = (now - this.disentangleStarted) / 1000;
      return f >= MIN_FRACTION_FOR_ETA && elapsed >= MIN_SECONDS_FOR_ETA ? (elapsed * (1 - f)) / f : undefined;
    }
    const elapsed = (now - this.started) / 1000;
    const f = this.reported;
    return f >= MIN_FRACTION_FOR_ETA && elapsed >= MIN_SECONDS_FOR_ETA ? (elapsed * (1 - f)) / f : undefined;
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }
}

/** How far a count is, 0..1 (0 before it has a total). */
function fractionOf(step: StepProgress): number {
  return step.total > 0 ? Math.min(1, Math.max(0, step.done / step.total)) : 0;
}
