import type { DisentangleSettings, TrainingInfo } from '../../protocol/report';
import type { CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import type { DisentanglerSpec, TrainingBackend } from '../compute/types';
import { fitRidgeConvAsync } from '../linalg/ridge';
import { createRng } from '../random';
import { splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { evaluate, type Evaluation } from './evaluate';
import { carveValidation, MIN_TRAINING } from './holdout';
import { initParams, WARM_START_BETA } from './init';
import { gatherNchw, gatherNhwc, nearConstantWarning, normalizeSource, scaleTarget } from './normalize';
import type { SampleSet } from './samples';
import { train } from './train';

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
  /** Things a user should know about this fit (e.g. no validation set, so no early stopping). */
  warnings: string[];
}

export interface FitHooks {
  signal?: CancelSignal;
  onProgress?: StepSink;
  note?: string;
}

/**
 * One fit of x_target = g(x_source) + ε with one seed (its own split and initialisation), evaluated on its held-out
 * test samples. The weights (warm start included) are fitted on the training split less a validation set, which
 * alone selects the epoch; the test split decides nothing. `source` already has the target's H×W.
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
  const { data: x, nearConstant } = normalizeSource(source, split.train, settings.normalize);
  if (nearConstant.length) warnings.push(nearConstantWarning(names.source, nearConstant, channelsA));
  const y = scaleTarget(target, split.train, names.target);
  const set = (ids: Int32Array): SampleSet => ({
    n: ids.length,
    x: gatherNchw(x, source.shape, ids),
    y: gatherNchw(y.data, target.shape, ids),
  });
  const fitSet = set(fit),
    testSet = set(split.test);
  const validationSet = validation.length ? set(validation) : undefined;

  const spec: DisentanglerSpec = {
    orders: settings.orders,
    kernel: settings.kernel,
    channelsA,
    channelsB,
    height,
    width,
    alpha: settings.alpha,
    weightDecay: settings.weightDecay,
    // The hidden-activation scale follows the input normalisation: the authors' per-sample std in their mode.
    hiddenScale: settings.normalize === 'per-sample' ? 'sample' : 'batch',
  };
  const rng = createRng(seed);
  const init = initParams(spec, rng);
  if (settings.warmStart) {
    // Order-0 path = the closed-form ridge map, gates nearly closed: training starts from the linear answer.
    const ridgeKernel = settings.kernel === 3 && channelsA * 9 > WARM_START_MAX_FEATURES ? 1 : settings.kernel;
    const weight = await fitRidgeConvAsync(
      gatherNhwc(x, source.shape, fit),
      gatherNhwc(y.data, target.shape, fit),
      ridgeKernel,
      WARM_START_LAMBDA,
    );
    init.weights[settings.orders] = ridgeKernel === settings.kernel ? weight : centreTap(weight, channelsB, channelsA);
    init.betas.fill(WARM_START_BETA);
  }
  const model = await backend.create(spec, init);
  try {
    const trained = await train(model, { fit: fitSet, validation: validationSet, test: testSet }, settings, rng, hooks);
    const gates = Array.from(model.getParams().betas, (b) => 1 / (1 + Math.exp(-b)));
    const evaluation = await evaluate(model, testSet, { channels: channelsB, height, width }, y.scale, split.test);
    const samples = { fit: fit.length, validation: validation.length, test: split.test.length };
    return {
      evaluation,
      training: { ...trained, gates, warmStart: settings.warmStart, samples },
      split: { train: split.train.length, test: split.test.length },
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
