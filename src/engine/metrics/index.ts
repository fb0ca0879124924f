/**
 * The cheap, closed-form SIMILARITY measures shown beside the knowledge-consistency numbers (never as them):
 * linear CKA (biased and unbiased), SVCCA, PWCCA, orthogonal Procrustes distance, and the held-out explained
 * fraction of an order-0 ridge map. What is flattened how: see views.ts.
 */
import type { SimilarityMeasures } from '../../protocol/report';
import { ShapeMismatchError } from '../errors';
import { ridgeExplained } from '../linalg/ridge';
import type { FeatureTensor } from '../tensor';
import { covariances, pwccaFromCov, svccaFromCov } from './cca';
import { linearCka, unbiasedLinearCka } from './cka';
import { procrustesDistance } from './procrustes';
import { ccaViews } from './views';

export { ckaMatrix, ckaMatrixMeasure, CKA_FULL_MAX_SAMPLES, type CkaMatrixOptions } from './cka-matrix';
export { linearCka, unbiasedLinearCka } from './cka';
export { procrustesDistance } from './procrustes';

/** CCA is skipped above this many neurons per side (a cubic eigenproblem each) … */
export const CCA_MAX_DIMS = 1024;
/** … and when there are fewer than this many observations per neuron (CCA then finds spurious correlations). */
export const CCA_MIN_ROWS_PER_DIM = 2;

export interface SimilarityOptions {
  /** Held-out fraction and seed of the ridge estimate: pass the disentangler's, so both use one split. */
  testFraction?: number;
  seed?: number;
  /** Kernel of the ridge map (default 3). */
  kernel?: 1 | 3;
}

/**
 * All measures for features A and B of the same probe samples (all samples, except ridgeExplained which is
 * held-out). SVCCA/PWCCA are left out when CCA would be unreliable (see CCA_MAX_DIMS, CCA_MIN_ROWS_PER_DIM) and
 * ridgeExplained when A and B differ in H×W (resample first, as the disentangler does).
 */
export async function similarityMeasures(a: FeatureTensor, b: FeatureTensor, options: SimilarityOptions = {}): Promise<SimilarityMeasures> {
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeMismatchError(`features of A have ${a.shape[0]} samples and B ${b.shape[0]}: use the same probe inputs for both`);
  }
  const result: SimilarityMeasures = { linearCKA: linearCka(a, b) };
  await yieldToEventLoop();
  if (a.shape[0] >= 4) result.linearCKAUnbiased = unbiasedLinearCka(a, b);
  const [x, y] = ccaViews(a, b);
  if (Math.max(x.cols, y.cols) <= CCA_MAX_DIMS && x.rows >= CCA_MIN_ROWS_PER_DIM * (x.cols + y.cols)) {
    await yieldToEventLoop();
    const cov = covariances(x, y);
    result.svcca = svccaFromCov(cov);
    result.pwcca = pwccaFromCov(cov);
  }
  await yieldToEventLoop();
  result.procrustes = procrustesDistance(a, b);
  if (a.shape[1] === b.shape[1] && a.shape[2] === b.shape[2] && a.shape[0] >= 4) {
    await yieldToEventLoop();
    result.ridgeExplained = ridgeExplained(a, b, {
      kernel: options.kernel ?? 3,
      testFraction: options.testFraction ?? 0.2,
      seed: options.seed ?? 0,
    });
  }
  // A report never carries NaN: drop anything non-finite (linearCKA is 0 rather than NaN by construction).
  for (const key of Object.keys(result) as Array<keyof SimilarityMeasures>) {
    if (!Number.isFinite(result[key])) delete result[key];
  }
  if (result.linearCKA === undefined) result.linearCKA = 0;
  return result;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
