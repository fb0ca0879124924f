import { throwIfCancelled, type CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import { resampleTo } from '../disentangler/resample';
import { ridgeExplained } from '../linalg/ridge';
import { ckaMatrix, ckaMatrixMeasure, ckaMatrixStreamed, ckaVectorBytes } from '../metrics/index';
import type { FeatureTensor } from '../tensor';
import type { SimilarityMatrix } from '../../protocol/report';
import { layerBytes, type ExtractedFeatures } from './extract';

/** Features held in memory at once while filling the matrix; beyond it the layers are taken in blocks. */
export const MATRIX_MEMORY_BUDGET = 1024 ** 3;

export interface MatrixOptions {
  /** Also fill the held-out order-0 ridge bound for every cell (slower: one regression per cell and direction). */
  ridge: boolean;
  /** Which ridge directions: 'ridgeExplained' is A → B, 'ridgeExplainedBA' is B → A (rows are still A's layers). */
  directions: Array<'A->B' | 'B->A'>;
  kernel: 1 | 3;
  testFraction: number;
  seed: number;
  budgetBytes?: number;
  signal?: CancelSignal;
  onProgress?: StepSink;
}

/**
 * The all-pairs matrix of cheap SIMILARITY measures (not knowledge consistency): linear CKA for every cell, and
 * with `ridge` the held-out explained fraction of a closed-form order-0 map, with the explaining layer resampled
 * to the explained layer's H×W as the disentangler does. Layers are read from disk in blocks that fit the memory
 * budget, so a model with hundreds of probe points does not hold all its features at once.
 */
export async function similarityMatrix(
  namesA: string[],
  fa: ExtractedFeatures,
  namesB: string[],
  fb: ExtractedFeatures,
  options: MatrixOptions,
): Promise<SimilarityMatrix> {
  const rows = namesA.length;
  const cols = namesB.length;
  const budget = options.budgetBytes ?? MATRIX_MEMORY_BUDGET;
  if (!options.ridge && rows > 0 && cols > 0) {
    const streamed = await streamedCka(namesA, fa, namesB, fb, budget, options);
    if (streamed) return streamed;
  }
  const half = budget / 2;
  const blocksA = blocks(namesA, fa, half);
  const blocksB = blocks(namesB, fb, half);
  const cka = new Array<number | null>(rows * cols).fill(null);
  const ridge = new Map(options.directions.map((d) => [d, new Array<number | null>(rows * cols).fill(null)] as const));
  const cells = rows * cols * (options.ridge ? options.directions.length : 0);
  let ridgeDone = 0;
  let blocksDone = 0;
  const progress = () =>
    options.onProgress?.({
      done: blocksDone + ridgeDone,
      total: blocksA.length * blocksB.length + cells,
    });
  progress();
  let n = 0;
  for (const blockA of blocksA) {
    const tensorsA = await readAll(fa, blockA.names, options.signal);
    for (const blockB of blocksB) {
      const tensorsB = await readAll(fb, blockB.names, options.signal);
      n = tensorsA[0].shape[0];
      const values = await ckaMatrix(tensorsA, tensorsB, { signal: options.signal });
      values.forEach((row, i) => row.forEach((v, j) => (cka[(blockA.start + i) * cols + blockB.start + j] = v)));
      blocksDone++;
      progress();
      if (!options.ridge) continue;
      for (const [direction, out] of ridge) {
        for (let i = 0; i < tensorsA.length; i++) {
          for (let j = 0; j < tensorsB.length; j++) {
            throwIfCancelled(options.signal);
            const [x, y] = direction === 'A->B' ? [tensorsA[i], tensorsB[j]] : [tensorsB[j], tensorsA[i]];
            out[(blockA.start + i) * cols + blockB.start + j] = explainedBound(x, y, options);
            ridgeDone++;
            progress();
            await yieldToEventLoop();
          }
        }
      }
    }
  }
  // Beyond a sample count the matrix holds the unbiased minibatch CKA, under its own measure name.
  const measures: SimilarityMatrix['measures'] = { [ckaMatrixMeasure(n)]: cka };
  if (options.ridge)
    for (const [direction, out] of ridge) measures[direction === 'A->B' ? 'ridgeExplained' : 'ridgeExplainedBA'] = out;
  return { layersA: namesA, layersB: namesB, measures };
}

/**
 * CKA alone, streamed: each layer is read once and reduced to its Gram vectors (about n²/2 values, whatever its
 * width), so no layer of B is read again for every block of A. Undefined when the vectors of every layer (and their
 * stacked copies for the products) would not fit the budget: the block path then reads layers as memory allows.
 */
async function streamedCka(
  namesA: string[],
  fa: ExtractedFeatures,
  namesB: string[],
  fb: ExtractedFeatures,
  budget: number,
  options: MatrixOptions,
): Promise<SimilarityMatrix | undefined> {
  let first: FeatureTensor | undefined = await fa.read(namesA[0]);
  const n = first.shape[0];
  if (2 * (namesA.length + namesB.length) * ckaVectorBytes(n) > budget) return undefined;
  const total = namesA.length + namesB.length;
  options.onProgress?.({ done: 0, total });
  const read = async (side: 'A' | 'B', i: number): Promise<FeatureTensor> => {
    if (side === 'A' && i === 0 && first) {
      const t = first;
      first = undefined;
      return t;
    }
    return side === 'A' ? fa.read(namesA[i]) : fb.read(namesB[i]);
  };
  // the same features on both sides (a model compared with itself): B's layers are A's
  const indexA = new Map(namesA.map((name, i) => [name, i]));
  const values = await ckaMatrixStreamed(namesA.length, namesB.length, read, n, {
    sameAs: fa === fb ? (j) => indexA.get(namesB[j]) : undefined,
    signal: options.signal,
    onLayer: (done) => options.onProgress?.({ done, total }),
  });
  return { layersA: namesA, layersB: namesB, measures: { [ckaMatrixMeasure(n)]: values.flat() } };
}

/** Consecutive runs of layers whose features together fit `budget` bytes (at least one layer per block). */
function blocks(
  names: string[],
  features: ExtractedFeatures,
  budget: number,
): Array<{ start: number; names: string[] }> {
  const out: Array<{ start: number; names: string[] }> = [];
  let bytes = 0;
  names.forEach((name, i) => {
    const size = layerBytes(features, name);
    const last = out[out.length - 1];
    if (last && bytes + size <= budget) {
      last.names.push(name);
      bytes += size;
    } else {
      out.push({ start: i, names: [name] });
      bytes = size;
    }
  });
  return out;
}

async function readAll(features: ExtractedFeatures, names: string[], signal?: CancelSignal): Promise<FeatureTensor[]> {
  const out: FeatureTensor[] = [];
  for (const name of names) {
    throwIfCancelled(signal);
    out.push(await features.read(name));
  }
  return out;
}

function explainedBound(x: FeatureTensor, y: FeatureTensor, options: MatrixOptions): number {
  const { tensor } = resampleTo(x, y.shape[1], y.shape[2]);
  // On a 1×1 map a "same" 3×3 convolution sees only its centre tap, and on a 1×1 map spread over B's positions
  // (a dense layer explaining a conv layer) every tap sees the same value: a 1×1 fit is the same map (up to the
  // zero-padded border) with 9× fewer unknowns.
  const flat = (t: FeatureTensor) => t.shape[1] === 1 && t.shape[2] === 1;
  const kernel = flat(x) || flat(y) ? 1 : options.kernel;
  return ridgeExplained(tensor, y, { kernel, testFraction: options.testFraction, seed: options.seed });
}

/** Lets cancellation and progress messages through between long synchronous fits. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
