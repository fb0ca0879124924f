import type { DisentanglerModel, DisentanglerParams } from '../compute/types';
import { fitRidgeConvPathAsync } from '../linalg/ridge';
import { ridgeFoldScores } from '../linalg/ridge-folds';
import type { FeatureTensor } from '../tensor';
import { setLoss } from './chunks';
import { gatherWindows } from './gather';
import { SHUT_BETA } from './init';
import type { PairData } from './samples';
import { countedRows, type Window } from './windows';

/** Relative ridge of the warm start when patch rows are plentiful (λ·mean eigenvalue of the patch covariance): a
 * light touch that only tames near-collinear patches; the training that follows does the rest. */
export const WARM_START_LAMBDA = 1e-3;

/**
 * With fewer patch rows than this many per patch feature, the light ridge nearly interpolates the fit samples
 * (faceres `feats/Relu`, 1×1×256, 43 fit samples, compared with itself: 0.665 held out against 0.757 for the ridge
 * baseline, which searches λ), so λ is chosen among WARM_START_LAMBDAS on the validation set. Above it one λ does:
 * the search costs up to 4 d³ instead of d³/3 in plain loops. A 3×3 search also tries the 1×1 map (centre tap): it
 * has 9× fewer features for the same rows, and where B is a per-position map of A (a layer compared with itself)
 * the 3×3 fit cannot find it from fewer rows than features (emotion `add_2`, 8×8×256, 48 probes: 1920 rows for
 * 2304 features held out 0.955; the 1×1 map 1.000). The search also runs with fewer fit samples than patch
 * features, however many rows they give: liveness `activation_5/Relu` (1×1×64, upsampled to a constant 16×16 map)
 * explaining `activation_4/Relu` at 128 photo crops (87 fit samples for 576 features, 22272 rows) read 0.018
 * [−0.19, 0.18] with λ = 1e-3 against the ridge baseline's 0.240.
 */
export const LAMBDA_SEARCH_ROWS = 8;
export const WARM_START_LAMBDAS = [1e-3, 1e-2, 1e-1, 1, 10, 100] as const;

/**
 * Where every candidate has at most FOLD_MAX_FEATURES patch features, λ and the kernel are chosen by FOLDS-fold
 * cross-validation over the fit samples instead of the validation set: every fit sample is scored once, where the
 * validation set has 8–15. Above it (64 channels at 3×3) the k solves (≈ 4 d³ each, plain loops) cost more than
 * the fit.
 */
export const FOLDS = 5;
export const FOLD_MAX_FEATURES = 576;

export interface RidgeStart {
  /** W_K of the chosen λ and kernel, OIHW in the disentangler's kernel. */
  weight: Float32Array;
  lambda: number;
  kernel: 1 | 3;
}

/**
 * The order-0 path's closed-form start: the ridge map x̃ → scaled B on the counted positions of `windows` (tiles of
 * the fit samples: the positions training sees, normalised the same way). `judge` scores a candidate W_K on the
 * validation set; without one (or with plenty of rows) λ = WARM_START_LAMBDA.
 */
export async function ridgeStart(
  pair: PairData,
  windows: Window[],
  kernels: { ridge: 1 | 3; model: 1 | 3 },
  judge?: (weight: Float32Array) => Promise<number>,
): Promise<RidgeStart> {
  const g = pair.geometry;
  const block = (t: FeatureTensor, map: PairData['x']): FeatureTensor => ({
    shape: [windows.length, g.rows.span, g.cols.span, t.shape[3]],
    data: gatherWindows(t, map, windows, g, 'nhwc'),
  });
  const rows = g.windowed ? countedRows(windows, g) : undefined;
  const [channelsA, channelsB] = [pair.source.shape[3], pair.target.shape[3]];
  const rowCount = rows?.length ?? windows.length * g.rows.span * g.cols.span;
  const features = channelsA * kernels.ridge ** 2;
  // Rows of one sample are alike (all of them where a dense layer was upsampled): fewer samples than features is
  // few rows too.
  const samples = new Set(windows.map((w) => w.sample)).size;
  const search = judge !== undefined && (rowCount < LAMBDA_SEARCH_ROWS * features || samples < features);
  const lambdas = search ? WARM_START_LAMBDAS : [WARM_START_LAMBDA];
  // On a 1×1 map the 3×3 fit already is the 1×1 one (ridge.ts).
  const spatial = g.rows.size * g.cols.size > 1;
  const tried = search && spatial && kernels.ridge === 3 ? ([3, 1] as const) : [kernels.ridge];
  const byFolds = search && Math.max(...tried.map((k) => channelsA * (spatial ? k * k : 1))) <= FOLD_MAX_FEATURES;
  const folds = byFolds ? sampleFolds(rows ?? allRows(windows.length * g.rows.span * g.cols.span), windows, g) : [];
  const [x, y] = [block(pair.source, pair.x), block(pair.target, pair.y)];
  const candidates: Array<{ weight: Float32Array; lambda: number; kernel: 1 | 3; score?: number }> = [];
  for (const kernel of tried) {
    const fitted = await fitRidgeConvPathAsync(x, y, kernel, lambdas, rows);
    const scores = byFolds ? await ridgeFoldScores(x, y, kernel, lambdas, folds) : [];
    for (const [i, w] of fitted.entries()) {
      const weight = kernel === kernels.model ? w : centreTap(w, channelsB, channelsA);
      candidates.push({ weight, lambda: lambdas[i], kernel, score: scores[i] });
    }
  }
  if (!search) return candidates[0];
  let best = { ...candidates[0], loss: Infinity };
  for (const candidate of candidates) {
    // A loss either way: the validation set's, or minus the cross-validated explained fraction.
    const loss = byFolds ? -candidate.score! : await judge(candidate.weight);
    if (loss < best.loss) best = { ...candidate, loss };
  }
  return { weight: best.weight, lambda: best.lambda, kernel: best.kernel };
}

const allRows = (count: number) => Int32Array.from({ length: count }, (_, i) => i);

/** The rows of a gathered block split into FOLDS folds by their window's sample (a sample's rows move together). */
function sampleFolds(rows: Int32Array, windows: readonly Window[], g: PairData['geometry']): Int32Array[] {
  const perWindow = g.rows.span * g.cols.span;
  const samples = [...new Set(windows.map((w) => w.sample))].sort((a, b) => a - b);
  const fold = new Map(samples.map((s, i) => [s, i % FOLDS]));
  const out = Array.from({ length: FOLDS }, () => [] as number[]);
  for (const id of rows) out[fold.get(windows[Math.floor(id / perWindow)].sample)!].push(id);
  return out.map((ids) => Int32Array.from(ids));
}

/** Scores W_K candidates by the validation loss of the order-0 path alone (gates shut); leaves the model at `init`. */
export function validationJudge(
  model: DisentanglerModel,
  init: DisentanglerParams,
  pair: PairData,
  validation: Window[],
  chunk: number,
): (weight: Float32Array) => Promise<number> {
  const K = init.weights.length - 1;
  return async (weight) => {
    model.setParams({
      weights: init.weights.map((w, i) => (i === K ? weight : w)),
      betas: init.betas.map(() => SHUT_BETA),
    });
    const loss = await setLoss(model, pair, validation, chunk);
    model.setParams(init);
    return loss;
  };
}

/** A 1×1 OIHW weight [C_B, C_A] as the centre tap of a 3×3 one (zeros elsewhere): the same linear map. */
function centreTap(weight: Float32Array, channelsB: number, channelsA: number): Float32Array {
  const full = new Float32Array(channelsB * channelsA * 9);
  for (let i = 0; i < channelsB * channelsA; i++) full[i * 9 + 4] = weight[i];
  return full;
}
