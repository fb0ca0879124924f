/**
 * What a compare has finished so far, collected from its stream: on Ctrl-C (or SIGTERM) the CLI still prints and
 * writes these results instead of throwing away minutes of work.
 */
import type { CompareListener, CompareStarted } from '../protocol/compare';
import type { ManyModelReport } from '../protocol/family';
import type { PairResult, Report, SimilarityMatrix } from '../protocol/report';

export class PartialReport implements CompareListener {
  private started?: CompareStarted;
  private readonly pairs: PairResult[] = [];
  private matrix?: SimilarityMatrix;

  onStarted(started: CompareStarted): void {
    this.started = started;
  }

  onPairResult(pair: PairResult): void {
    this.pairs.push(pair);
  }

  onMatrix(matrix: SimilarityMatrix): void {
    this.matrix = matrix;
  }

  /** The report of what finished, or undefined when nothing did. */
  report(): Report | undefined {
    if (!this.started || (this.pairs.length === 0 && !this.matrix)) return undefined;
    const { header, plan } = this.started;
    return {
      ...header,
      pairs: this.pairs,
      ...(this.matrix ? { matrix: this.matrix } : {}),
      warnings: [`cancelled: a partial result, ${this.pairs.length} of ${plan.length} layer pair fits finished`],
    };
  }
}

/**
 * A kc family or kc drift report cut short: the engine's last update (every fit that finished, its matrices or series
 * assembled from them, null where a fit did not run) marked as partial; undefined when no fit had finished.
 */
export function partialManyModelReport<T extends ManyModelReport>(latest: T): T | undefined {
  const finished = latest.fits.length + (latest.skipped?.length ?? 0);
  if (latest.fits.length === 0) return undefined;
  return {
    ...latest,
    warnings: [
      `cancelled: a partial result, ${finished} of ${latest.planned ?? finished} fits finished`,
      ...latest.warnings,
    ],
  };
}
