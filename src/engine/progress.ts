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

  private phase(phase: ProgressPhase, [from, to]: readonly [number, number], extra: Partial<Progress> = {}): StepSink {
    return (step) => {
      const f = step.total > 0 ? Math.min(1, Math.max(0, step.done / step.total)) : 0;
      this.reported = Math.max(this.reported, from + (to - from) * f);
      const etaSeconds = this.eta();
      this.sink?.({
        ...extra,
        ...step,
        phase,
        overallFraction: this.reported,
        ...(etaSeconds !== undefined ? { etaSeconds } : {}),
      });
    };
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
