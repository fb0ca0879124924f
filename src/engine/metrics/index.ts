/**
 * The cheap, closed-form SIMILARITY measures shown beside the knowledge-consistency numbers (never as them):
 * linear CKA (biased and unbiased), SVCCA, PWCCA, orthogonal Procrustes distance, and the held-out explained
 * fraction of an order-0 ridge map. What is flattened how: see views.ts.
 */
import type { SimilarityMeasures } from '../../protocol/report';
import { ShapeMismatchError } from '../errors';
import { MIN_TEST_SAMPLES, testCount } from '../split';
import { LAMBDA_GRID, ridgeExplainedAsync, ridgeFeatureCount, ridgeRowCap } from '../linalg/ridge';
import type { FeatureTensor } from '../tensor';
import { covariancesAsync, pwccaFromCov, svccaFromCov } from './cca';
import { ckaFromGrams, linearCka, unbiasedCkaFromGrams, unbiasedLinearCka } from './cka';
import { CKA_INTERVAL_LEVEL, CKA_INTERVAL_MAX_SAMPLES, ckaInterval, shownEstimator } from './cka-interval';
import { centredGram, centringShift } from './gram';
import { PROCRUSTES_MAX_DIMS, procrustesDistance, procrustesFromCov } from './procrustes';
import { scaleFree } from './scale';
import { ccaViews, perSample } from './views';

export {
  ckaMatrix,
  ckaMatrixMeasure,
  ckaMatrixStreamed,
  ckaVectorBytes,
  CKA_FULL_MAX_SAMPLES,
  type CkaEstimator,
  type CkaMatrixOptions,
} from './cka-matrix';
export { linearCka, unbiasedLinearCka } from './cka';
export { CKA_DEBIAS_BELOW, ckaInterval, shownEstimator } from './cka-interval';
export { procrustesDistance } from './procrustes';

/** CCA is skipped above this many neurons per side (a cubic eigenproblem each) … */
export const CCA_MAX_DIMS = 1024;
/** … and with fewer than this many observations per neuron (CCA then finds spurious correlations). */
export const CCA_MIN_ROWS_PER_DIM = 2;

/** ridgeExplained is skipped above this many patch features (C_A·k²): its λ search factorises d × d matrices in
 * plain loops (≈ d³ each), minutes beyond this. */
export const RIDGE_MAX_FEATURES = 1200;

export interface SimilarityOptions {
  /** Held-out fraction and seed of the ridge estimate: pass the disentangler's, so both use one split. */
  testFraction?: number;
  seed?: number;
  /** Kernel of the ridge map (default 3). */
  kernel?: 1 | 3;
}

/**
 * All measures for features A and B of the same probe samples (all samples, except ridgeExplained which is
 * held-out). SVCCA/PWCCA are left out when CCA would be unreliable (see CCA_MAX_DIMS, CCA_MIN_ROWS_PER_DIM), and
 * ridgeExplained when A and B differ in H×W (resample first, as the disentangler does), when too few samples are
 * held out (MIN_TEST_SAMPLES) or when the regression is too big (RIDGE_MAX_FEATURES). When features outnumber
 * samples, the two n × n Grams are built once (onnxruntime when big) and shared by both CKAs.
 */
export async function similarityMeasures(
  rawA: FeatureTensor,
  rawB: FeatureTensor,
  options: SimilarityOptions = {},
): Promise<SimilarityMeasures> {
  // Same numbers at any scale of either side; a side constant on the probes shares nothing (scale.ts).
  const [a, b] = [scaleFree(rawA), scaleFree(rawB)];
  const x = perSample(a);
  const y = perSample(b);
  if (x.rows !== y.rows) {
    throw new ShapeMismatchError(
      `features of A have ${x.rows} samples and B ${y.rows}: use the same probe inputs for both`,
    );
  }
  const n = x.rows;
  const result: SimilarityMeasures = { linearCKA: 0 };
  const estimator = shownEstimator(n);
  let bootstrap: ReturnType<typeof ckaInterval> | undefined;
  // The Grams serve both CKAs when features outnumber samples, and the shown CKA's bootstrap interval up to 1024.
  if (n < x.cols + y.cols || (n >= 4 && n <= CKA_INTERVAL_MAX_SAMPLES)) {
    const k = await centredGram(x, await centringShift(x));
    const l = await centredGram(y, await centringShift(y));
    if (n >= 4) {
      result.linearCKAUnbiased = unbiasedCkaFromGrams(k, l, n);
      if (n <= CKA_INTERVAL_MAX_SAMPLES) {
        bootstrap = ckaInterval(k, l, n, estimator, options.seed ?? 0);
      }
    }
    result.linearCKA = ckaFromGrams(k, l, n); // centres k and l in place: last
  } else {
    result.linearCKA = linearCka(a, b);
    if (n >= 4) result.linearCKAUnbiased = unbiasedLinearCka(a, b);
  }
  await yieldToEventLoop();
  // SVCCA, PWCCA and Procrustes share the covariances of the CCA observations (views.ts).
  const [cx, cy] = ccaViews(a, b);
  const cov = Math.max(cx.cols, cy.cols) <= CCA_MAX_DIMS ? await covariancesAsync(cx, cy) : undefined;
  if (cov && cx.rows >= CCA_MIN_ROWS_PER_DIM * (cx.cols + cy.cols)) {
    result.svcca = svccaFromCov(cov);
    result.pwcca = pwccaFromCov(cov);
  }
  await yieldToEventLoop();
  result.procrustes =
    cov && Math.min(cx.cols, cy.cols) <= PROCRUSTES_MAX_DIMS ? procrustesFromCov(cov) : procrustesDistance(a, b);
  const kernel = options.kernel ?? 3;
  const testFraction = options.testFraction ?? 0.2;
  if (
    a.shape[1] === b.shape[1] &&
    a.shape[2] === b.shape[2] &&
    testCount(n, testFraction) >= MIN_TEST_SAMPLES &&
    ridgeFeatureCount(a, kernel) <= RIDGE_MAX_FEATURES
  ) {
    await yieldToEventLoop();
    result.ridgeExplained = await ridgeExplainedAsync(a, b, { kernel, testFraction, seed: options.seed ?? 0 });
  }
  // A report never carries NaN: drop anything non-finite (linearCKA is 0 rather than NaN by construction).
  for (const key of Object.keys(result) as Array<keyof SimilarityMeasures>) {
    if (!Number.isFinite(result[key])) delete result[key];
  }
  result.linearCKA ??= 0;
  const value = estimator === 'unbiased' ? result.linearCKAUnbiased : result.linearCKA;
  if (value !== undefined) {
    result.cka = { estimator, value };
    if (bootstrap?.interval.every(Number.isFinite))
      Object.assign(result.cka, {
        interval: bootstrap.interval,
        level: CKA_INTERVAL_LEVEL,
        replicates: bootstrap.replicates,
      });
  }
  return result;
}

/**
 * What similarityMeasures costs on features of these shapes ([n, H, W, C], the source already at the target's H×W),
 * under the same conditions it runs each measure: float64 multiply-adds of its big products (CKA Grams, CCA
 * covariances, the ridge's normal equations on its capped rows and its λ search) and the patch values it gathers in
 * plain loops. For the cost model (compare/cost.ts).
 */
export function similarityWork(
  a: readonly number[],
  b: readonly number[],
  options: Required<Pick<SimilarityOptions, 'kernel' | 'testFraction'>>,
): { macs: number; values: number } {
  const [n, h, w, ca] = a;
  const cb = b[3];
  const colsA = h * w * ca;
  const colsB = h * w * cb;
  let macs = 0;
  if (n < colsA + colsB || (n >= 4 && n <= CKA_INTERVAL_MAX_SAMPLES)) macs += n * n * (colsA + colsB);
  if (Math.max(ca, cb) <= CCA_MAX_DIMS) macs += n * h * w * (ca + cb) ** 2;
  const k = h === 1 && w === 1 ? 1 : options.kernel;
  const d = ca * k * k;
  let values = 0;
  if (testCount(n, options.testFraction) >= MIN_TEST_SAMPLES && d <= RIDGE_MAX_FEATURES) {
    // inner fit, validation and test rows, each capped (ridge.ts explainedPlan), then one solve per λ and a refit
    const rows = Math.min(n * h * w, 3 * ridgeRowCap(d));
    macs += rows * d * (d + cb) + (LAMBDA_GRID.length + 1) * (d ** 3 / 3 + 2 * d * d * cb);
    values += rows * d;
  }
  return { macs, values };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
