import type { DisentangleSettings, PairSampling, TrainingInfo } from '../../protocol/report';
import type { CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import type { DisentanglerParams, DisentanglerSpec, TrainingBackend } from '../compute/types';
import { ridgeRowCap } from '../linalg/ridge';
import { createRng } from '../random';
import { splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { evaluate, MAP_SAMPLES, type Evaluation } from './evaluate';
import { carveValidation, MIN_TRAINING } from './holdout';
import { initParams, SHUT_BETA, WARM_START_BETA } from './init';
import { batchLimits, DEFAULT_MEMORY_MB } from './memory';
import { nearConstantWarning, normalizeSource, scaleTarget, type Affine, type ScaledTarget } from './normalize';
import { samplingPlan } from './plan';
import type { PairData } from './samples';
import { train } from './train';
import { disentanglerSpec } from './spec';
import { geometry, tiles } from './windows';
import { ridgeStart, validationJudge } from './warm-start';

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
  // per-token features: tokens of one text stay on one side of each split (tensor.ts groups)
  const groups = target.groups ?? source.groups;
  const split = splitIndices(n, settings.testFraction, seed, groups);
  const { fit, validation } = carveValidation(split.train, seed, groups);
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

  const spec = disentanglerSpec(settings, { a: channelsA, b: channelsB }, g);
  const budget = hooks.memoryBytes ?? DEFAULT_MEMORY_MB * 2 ** 20;
  const limits = batchLimits(spec, settings.batchSize, budget, names.target);
  const ridgeKernel = spec.kernel === 3 && channelsA * 9 > WARM_START_MAX_FEATURES ? 1 : spec.kernel;
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
  const model = await backend.create(spec, init);
  try {
    const held = (samples: Int32Array) => tiles(samples, g, plan.epochTiles);
    const validationWindows = validation.length ? held(validation) : undefined;
    if (settings.warmStart) {
      // Order-0 path = the closed-form ridge map, gates nearly closed: training starts from the linear answer. It is
      // fitted on the positions training sees: counted positions of tiles of the fit samples.
      const start = await ridgeStart(
        pair,
        tiles(fit, g, plan.ridgeTiles),
        { ridge: ridgeKernel, model: spec.kernel },
        validationWindows && validationJudge(model, init, pair, validationWindows, limits.evaluate),
      );
      init.weights[settings.orders] = start.weight;
      init.betas.fill(WARM_START_BETA);
      model.setParams(init);
    }
    const trained = await train(
      model,
      {
        pair,
        fit,
        validation: validationWindows,
        test: held(split.test),
        // The ridge map alone: kept when no epoch beats it, so the fit is never worse than its linear start.
        alternatives: settings.warmStart ? [{ ...init, betas: init.betas.map(() => SHUT_BETA) }] : [],
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
