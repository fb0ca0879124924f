import type { DisentangleSettings, PairSampling, TrainingInfo } from '../../protocol/report';
import type { CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import type { DisentanglerParams, DisentanglerSpec, TrainingBackend } from '../compute/types';
import { fitRidgeConvAsync, ridgeRowCap } from '../linalg/ridge';
import { createRng } from '../random';
import { splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { evaluate, MAP_SAMPLES, type Evaluation } from './evaluate';
import { gatherWindows } from './gather';
import { carveValidation, MIN_TRAINING } from './holdout';
import { initParams, WARM_START_BETA } from './init';
import { batchLimits, DEFAULT_MEMORY_MB } from './memory';
import { nearConstantWarning, normalizeSource, scaleTarget, type Affine, type ScaledTarget } from './normalize';
import { samplingPlan } from './plan';
import type { PairData } from './samples';
import { train } from './train';
import { countedRows, geometry, tiles } from './windows';

/** Relative ridge of the warm start (λ·mean eigenvalue of the patch covariance): a light touch that only tames
 * near-collinear patches; the training that follows does the rest. */
export const WARM_START_LAMBDA = 1e-3;

/** The ridge solve costs ≈ d³ in plain loops (d = C_A·k² patch features): above this, a 3×3 warm start is fitted as
 * 1×1 and placed in the centre tap (minutes → seconds on 512-channel layers; training then grows the other taps). */
export const WARM_START_MAX_FEATURES = 2400;

export interface FitOnce {
  evaluation: Evaluation;
  training: TrainingInfo;
  split: { train: number; test: number };
  sampling: PairSampling;
  /** Things a user should know about this fit (e.g. no validation set, so no early stopping). */
  warnings: string[];
}

export interface FitHooks {
  signal?: CancelSignal;
  onProgress?: StepSink;
  note?: string;
  /** Bytes this fit's batches may take (memory.ts); default DEFAULT_MEMORY_MB. */
  memoryBytes?: number;
  /** Receives the trained parameters and the normalisations they work in, before the model is disposed (refinement
   * builds g into an ONNX model from them). */
  onFitted?: (fitted: FittedDisentangler) => void;
}

/** What g needs outside the fit: x̃ = (x_A − shift)·scale, g(x̃) in scaled-B units (B = g·scale + mean). */
export interface FittedDisentangler {
  spec: DisentanglerSpec;
  params: DisentanglerParams;
  source: Affine;
  target: ScaledTarget;
  /** The fit's own split of the samples it was given. */
  split: { train: Int32Array; test: Int32Array };
}

/**
 * One fit of x_target = g(x_source) + ε with one seed (its own split and initialisation), evaluated on its held-out
 * test samples. The weights (warm start included) are fitted on the training split less a validation set, which
 * alone selects the epoch; the test split decides nothing. `source` already has the target's H×W. Large maps are
 * seen through windows (windows.ts, plan.ts), so the cost does not grow with H×W.
 */
export async function fitOnce(
  source: FeatureTensor,
  target: FeatureTensor,
  names: { source: string; target: string },
  settings: DisentangleSettings,
  seed: number,
  backend: TrainingBackend,
  hooks: FitHooks,
): Promise<FitOnce> {
  const [n, height, width, channelsA] = source.shape;
  const channelsB = target.shape[3];
  const split = splitIndices(n, settings.testFraction, seed);
  const { fit, validation } = carveValidation(split.train, seed);
  const warnings = validation.length
    ? []
    : [
        `the training split has only ${split.train.length} samples (a validation set needs ` +
          `${MIN_TRAINING}): no early stopping, every epoch ran and the last epoch's parameters are kept`,
      ];
  // Normalisation statistics are not fitted to B's values: the whole training split (fit + validation) gives them.
  const { affine, nearConstant } = normalizeSource(source, split.train, settings.normalize);
  if (nearConstant.length) warnings.push(nearConstantWarning(names.source, nearConstant, channelsA));
  const y = scaleTarget(target, split.train, names.target);
  const g = geometry(height, width, {
    orders: settings.orders,
    kernel: settings.kernel,
    perSampleScale: settings.normalize === 'per-sample',
  });
  const pair: PairData = { source, target, x: affine, y: y.affine, geometry: g };

  const spec: DisentanglerSpec = {
    orders: settings.orders,
    kernel: settings.kernel,
    channelsA,
    channelsB,
    height: g.rows.span,
    width: g.cols.span,
    alpha: settings.alpha,
    weightDecay: settings.weightDecay,
    // The hidden-activation scale follows the input normalisation: the authors' per-sample std in their mode.
    hiddenScale: settings.normalize === 'per-sample' ? 'sample' : 'batch',
    ...(g.windowed ? { masked: true } : {}),
  };
  const budget = hooks.memoryBytes ?? DEFAULT_MEMORY_MB * 2 ** 20;
  const limits = batchLimits(spec, settings.batchSize, budget, names.target);
  const ridgeKernel = settings.kernel === 3 && channelsA * 9 > WARM_START_MAX_FEATURES ? 1 : settings.kernel;
  const windowBytes = 4 * g.rows.span * g.cols.span * (channelsA + channelsB);
  const plan = samplingPlan(
    g,
    { fit: fit.length, validation: validation.length, test: split.test.length },
    {
      batch: limits.train,
      ridgeRows: ridgeRowCap(channelsA * ridgeKernel ** 2),
      // The warm start's gathered windows take at most half the budget.
      ridgeTilesByMemory: Math.max(1, Math.floor(budget / 2 / (windowBytes * fit.length))),
    },
    spec,
  );
  const testWindows = [
    ...tiles(split.test.subarray(0, MAP_SAMPLES), g, Infinity),
    ...tiles(split.test.subarray(MAP_SAMPLES), g, plan.testTiles),
  ];

  const rng = createRng(seed);
  const init = initParams(spec, rng);
  if (settings.warmStart) {
    // Order-0 path = the closed-form ridge map, gates nearly closed: training starts from the linear answer. It is
    // fitted on the positions training sees: counted positions of tiles of the fit samples.
    const windows = tiles(fit, g, plan.ridgeTiles);
    const block = (t: FeatureTensor, map: PairData['x']): FeatureTensor => ({
      shape: [windows.length, g.rows.span, g.cols.span, t.shape[3]],
      data: gatherWindows(t, map, windows, g, 'nhwc'),
    });
    const weight = await fitRidgeConvAsync(
      block(source, affine),
      block(target, y.affine),
      ridgeKernel,
      WARM_START_LAMBDA,
      g.windowed ? countedRows(windows, g) : undefined,
    );
    init.weights[settings.orders] = ridgeKernel === settings.kernel ? weight : centreTap(weight, channelsB, channelsA);
    init.betas.fill(WARM_START_BETA);
  }
  const model = await backend.create(spec, init);
  try {
    const held = (samples: Int32Array) => tiles(samples, g, plan.epochTiles);
    const trained = await train(
      model,
      {
        pair,
        fit,
        validation: validation.length ? held(validation) : undefined,
        test: held(split.test),
        batch: limits.train,
        chunk: limits.evaluate,
      },
      settings,
      rng,
      hooks,
    );
    hooks.onFitted?.({ spec, params: model.getParams(), source: affine, target: y, split });
    const gates = Array.from(model.getParams().betas, (b) => 1 / (1 + Math.exp(-b)));
    const evaluation = await evaluate(
      model,
      pair,
      testWindows,
      limits.evaluate,
      y.scale,
      split.test.subarray(0, MAP_SAMPLES),
    );
    const samples = { fit: fit.length, validation: validation.length, test: split.test.length };
    return {
      evaluation,
      training: { ...trained, gates, warmStart: settings.warmStart, samples },
      split: { train: split.train.length, test: split.test.length },
      sampling: plan.sampling,
      warnings,
    };
  } finally {
    await model.dispose();
  }
}

/** A 1×1 OIHW weight [C_B, C_A] as the centre tap of a 3×3 one (zeros elsewhere): the same linear map. */
function centreTap(weight: Float32Array, channelsB: number, channelsA: number): Float32Array {
  const full = new Float32Array(channelsB * channelsA * 9);
  for (let i = 0; i < channelsB * channelsA; i++) full[i * 9 + 4] = weight[i];
  return full;
}
