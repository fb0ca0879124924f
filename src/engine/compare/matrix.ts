import { throwIfCancelled, type CancelSignal, type ProgressSink } from '../cancel';
import { resampleTo } from '../disentangler/resample';
import { ridgeExplained } from '../linalg/ridge';
import { ckaMatrix, ckaMatrixMeasure } from '../metrics/index';
import type { FeatureTensor } from '../tensor';
import type { SimilarityMatrix } from '../../protocol/report';

export interface MatrixOptions {
  /** Also fill the held-out order-0 ridge bound for every cell (slower: one regression per cell and direction). */
  ridge: boolean;
  /** Which ridge directions: 'ridgeExplained' is A → B, 'ridgeExplainedBA' is B → A (rows are still A's layers). */
  directions: Array<'A->B' | 'B->A'>;
  kernel: 1 | 3;
  testFraction: number;
  seed: number;
  signal?: CancelSignal;
  onProgress?: ProgressSink;
}

/**
 * The all-pairs matrix of cheap SIMILARITY measures (not knowledge consistency): linear CKA for every cell, and
 * with `ridge` the held-out explained fraction of a closed-form order-0 map, with the explaining layer resampled
 * to the explained layer's H×W as the disentangler does.
 */
export async function similarityMatrix(
  namesA: string[], featuresA: FeatureTensor[], namesB: string[], featuresB: FeatureTensor[], options: MatrixOptions,
): Promise<SimilarityMatrix> {
  throwIfCancelled(options.signal);
  const layers = featuresA.length + featuresB.length;
  const cka = await ckaMatrix(featuresA, featuresB, {
    onLayer: (done) => options.onProgress?.({ stage: 'CKA matrix', done, total: layers }),
  });
  // Beyond a sample count the matrix holds the unbiased minibatch CKA, under its own measure name.
  const measures: SimilarityMatrix['measures'] = { [ckaMatrixMeasure(featuresA[0]?.shape[0] ?? 0)]: cka.flat() };
  if (options.ridge) {
    const cells = namesA.length * namesB.length * options.directions.length;
    let done = 0;
    for (const direction of options.directions) {
      const values: number[] = [];
      for (let i = 0; i < namesA.length; i++) {
        for (let j = 0; j < namesB.length; j++) {
          throwIfCancelled(options.signal);
          options.onProgress?.({ stage: `ridge matrix ${direction}`, done: done++, total: cells, detail: `${namesA[i]} ↔ ${namesB[j]}` });
          const [x, y] = direction === 'A->B' ? [featuresA[i], featuresB[j]] : [featuresB[j], featuresA[i]];
          values.push(explainedBound(x, y, options));
          await yieldToEventLoop();
        }
      }
      measures[direction === 'A->B' ? 'ridgeExplained' : 'ridgeExplainedBA'] = values;
    }
    options.onProgress?.({ stage: 'ridge matrix', done: cells, total: cells });
  }
  return { layersA: namesA, layersB: namesB, measures };
}

function explainedBound(x: FeatureTensor, y: FeatureTensor, options: MatrixOptions): number {
  const { tensor } = resampleTo(x, y.shape[1], y.shape[2]);
  return ridgeExplained(tensor, y, { kernel: options.kernel, testFraction: options.testFraction, seed: options.seed });
}

/** Lets cancellation and progress messages through between long synchronous fits. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
