/**
 * The one place where the steps of a job become Progress: which phase, which pair, the overall fraction and the
 * estimate of time left. Parts of the engine (model adapters, the matrix, the training loop) only count steps.
 */
import type { Progress, ProgressPair, ProgressPhase, StepProgress } from '../protocol/progress';
import type { CostEstimate } from '../protocol/report';

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
/** A finished stage's measured/estimated ratio corrects the estimate of the stages after it, within these bounds
 * (one slow stage on a loaded machine says the machine is slow, not that every estimate is off tenfold). */
const CORRECTION_BOUNDS = [0.5, 2] as const;

/** The stages of a compare in order, as the cost model estimates them. */
type Stage = 'extractA' | 'extractB' | 'similarity' | 'disentangle';
const STAGES: Stage[] = ['extractA', 'extractB', 'similarity', 'disentangle'];

/** The cost model's seconds per stage and per fit, and how far each stage is. */
interface Planned {
  seconds: Record<Stage, number>;
  /** Per fit, in plan order (progress's pair.index − 1). */
  fitSeconds: number[];
  fraction: Record<Stage, number>;
  started: Partial<Record<Stage, number>>;
  finished: Partial<Record<Stage, number>>;
}

export class ProgressTracker {
  private reported = 0;
  private readonly started: number;
  private disentangleStarted: number | undefined;
  private planned: Planned | undefined;

  /** `disentangleOnly`: a job that is all disentangler fits (kc disentangle), so the pairs span the whole bar. */
  constructor(
    private readonly sink: ProgressSink | undefined,
    private readonly options: { disentangleOnly?: boolean; now?: () => number } = {},
  ) {
    this.started = this.now();
  }

  /**
   * The cost model's estimate (compare/cost.ts), given before the heavy work: from then on the ETA is the estimate of
   * what is left, each running stage's share corrected by its own measured rate as it gets further, and the stages
   * to come by how the finished ones compared with their estimates.
   */
  plan(estimate: CostEstimate): void {
    const extract = estimate.extractSeconds / 2;
    this.planned = {
      seconds: {
        extractA: extract,
        extractB: extract,
        similarity: estimate.similaritySeconds,
        disentangle: estimate.disentangleSeconds,
      },
      fitSeconds: estimate.fits.map((f) => f.seconds),
      fraction: { extractA: 0, extractB: 0, similarity: 0, disentangle: 0 },
      started: {},
      finished: {},
    };
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

  /** The index-th of pair.count fits shares the disentangle span equally with the others; `more`: e.g. workers. */
  pair(pair: ProgressPair, more: Partial<Progress> = {}): StepSink {
    const [from, to] = this.options.disentangleOnly ? [0, 1] : SPANS.disentangle;
    const width = (to - from) / pair.count;
    const start = from + width * (pair.index - 1);
    this.disentangleStarted ??= this.now();
    return this.phase('disentangle', [start, start + width], { ...more, pair });
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
    let count = 0;
    const [from, to] = this.options.disentangleOnly ? [0, 1] : SPANS.disentangle;
    const update = (fit: { pair: ProgressPair; step: StepProgress }) => {
      const share = [...done.values()].reduce((a, f) => a + f, 0) / fit.pair.count;
      this.advance('disentangle', this.fitShare(done, fit.pair.count));
      const inFlight = [...running.keys()].sort((a, b) => a - b);
      const extra = { pair: fit.pair, ...(inFlight.length > 1 ? { running: inFlight } : {}) };
      this.report('disentangle', from + (to - from) * share, extra, fit.step);
    };
    return {
      start: (pair) => {
        this.disentangleStarted ??= this.now();
        count = pair.count;
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
        this.advance('disentangle', this.fitShare(done, count));
        const next = running.get(Math.min(...running.keys()));
        if (next) update(next);
      },
    };
  }

  private phase(phase: ProgressPhase, [from, to]: readonly [number, number], extra: Partial<Progress> = {}): StepSink {
    const stage = stageOf(phase, extra.model);
    return (step) => {
      // One of several fits run one by one (pair()): its share of the stage.
      const f = fractionOf(step);
      if (stage) this.advance(stage, extra.pair ? (extra.pair.index - 1 + f) / extra.pair.count : f);
      this.report(phase, from + (to - from) * f, extra, step);
    };
  }

  /** A stage got to `fraction`: the stages before it are finished. */
  private advance(stage: Stage, fraction: number): void {
    const p = this.planned;
    if (!p) return;
    const now = this.now();
    for (const s of STAGES.slice(0, STAGES.indexOf(stage))) {
      p.started[s] ??= now;
      p.finished[s] ??= now;
      p.fraction[s] = 1;
    }
    p.started[stage] ??= now;
    p.fraction[stage] = Math.max(p.fraction[stage], fraction);
  }

  /** Seconds left by the plan: the running stage from its estimate, blended into its measured rate as it gets further;
   * the stages after it from their estimates × how the finished stages compared with theirs. */
  private planEta(p: Planned): number | undefined {
    const now = this.now();
    let spent = 0;
    let expected = 0;
    for (const s of STAGES) {
      const started = p.started[s];
      const finished = p.finished[s];
      if (started !== undefined && finished !== undefined) {
        spent += (finished - started) / 1000;
        expected += p.seconds[s];
      }
    }
    const [low, high] = CORRECTION_BOUNDS;
    const correction = expected >= 1 ? Math.min(high, Math.max(low, spent / expected)) : 1;
    let left = 0;
    for (const s of STAGES) {
      const f = p.fraction[s];
      const started = p.started[s];
      if (p.finished[s] !== undefined || f >= 1) continue;
      const estimate = p.seconds[s] * (1 - f) * correction;
      const elapsed = started === undefined ? 0 : (now - started) / 1000;
      if (started === undefined || f < MIN_FRACTION_FOR_ETA || elapsed < MIN_SECONDS_FOR_ETA) {
        left += estimate;
        continue;
      }
      const measured = (elapsed * (1 - f)) / f;
      left += (1 - f) * estimate + f * measured;
    }
    return left;
  }

  /** How far the fits are, each weighted by its estimated seconds (a big early pair is most of the work). */
  private fitShare(done: Map<number, number>, count: number): number {
    const seconds = this.planned?.fitSeconds;
    const weight = (index: number) => (seconds && seconds.length === count ? seconds[index - 1] : 1);
    const total = Array.from({ length: count }, (_, i) => weight(i + 1)).reduce((a, w) => a + w, 0);
    const sum = [...done].reduce((a, [index, f]) => a + weight(index) * f, 0);
    return total > 0 ? sum / total : 0;
  }

  private report(phase: ProgressPhase, fraction: number, extra: Partial<Progress>, step: StepProgress): void {
    this.reported = Math.max(this.reported, fraction);
    const etaSeconds = this.planned ? this.planEta(this.planned) : this.eta();
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

function stageOf(phase: ProgressPhase, model: string | undefined): Stage | undefined {
  if (phase === 'extract') return model === 'A' ? 'extractA' : model === 'B' ? 'extractB' : undefined;
  return phase === 'similarity' || phase === 'disentangle' ? phase : undefined;
}
