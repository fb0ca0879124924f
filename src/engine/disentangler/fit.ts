import type { DisentangleSettings, TrainingInfo } from '../../protocol/report';
import type { CancelSignal, ProgressSink } from '../cancel';
import type { DisentanglerSpec, TrainingBackend } from '../compute/types';
import { fitRidgeConv } from '../linalg/ridge';
import { createRng } from '../random';
import { splitIndices } from '../split';
import type { FeatureTensor } from '../tensor';
import { evaluate, type Evaluation } from './evaluate';
import { initParams, WARM_START_BETA } from './init';
import { gatherNchw, gatherNhwc, normalizeSource, scaleTarget } from './normalize';
import type { SampleSet } from './samples';
import { train } from './train';

/** Relative ridge of the warm start (λ·mean eigenvalue of the patch covariance): a light touch that only tames
 * near-collinear patches; the training that follows does the rest. */
export const WARM_START_LAMBDA = 1e-3;

export interface FitOnce {
  evaluation: Evaluation;
  training: TrainingInfo;
  split: { train: number; test: number };
}

export interface FitHooks {
  signal?: CancelSignal;
  onProgress?: ProgressSink;
  stage: string;
}

/**
 * One fit of x_target = g(x_source) + ε with one seed (its own split and initialisation), evaluated on its held-out
 * samples. `source` already has the target's H×W.
 */
export async function fitOnce(source: FeatureTensor, target: FeatureTensor, targetName: string, settings: DisentangleSettings,
  seed: number, backend: TrainingBackend, hooks: FitHooks): Promise<FitOnce> {
  const [n, height, width, channelsA] = source.shape;
  const channelsB = target.shape[3];
  const split = splitIndices(n, settings.testFraction, seed);
  const x = normalizeSource(source, split.train, settings.normalize);
  const y = scaleTarget(target, split.train, targetName);
  const set = (ids: Int32Array): SampleSet => ({ n: ids.length, x: gatherNchw(x, source.shape, ids), y: gatherNchw(y.data, target.shape, ids) });
  const trainSet = set(split.train), testSet = set(split.test);

  const spec: DisentanglerSpec = {
    orders: settings.orders, kernel: settings.kernel, channelsA, channelsB, height, width,
    alpha: settings.alpha, weightDecay: settings.weightDecay,
    // The hidden-activation scale follows the input normalisation: the authors' per-sample std in their mode.
    hiddenScale: settings.normalize === 'per-sample' ? 'sample' : 'batch',
  };
  const rng = createRng(seed);
  const init = initParams(spec, rng);
  if (settings.warmStart) {
    // Order-0 path = the closed-form ridge map, gates nearly closed: training starts from the linear answer.
    init.weights[settings.orders] = fitRidgeConv(gatherNhwc(x, source.shape, split.train), gatherNhwc(y.data, target.shape, split.train), settings.kernel, WARM_START_LAMBDA);
    init.betas.fill(WARM_START_BETA);
  }
  const model = await backend.create(spec, init);
  try {
    const trained = await train(model, trainSet, testSet, settings, rng, hooks);
    const gates = Array.from(model.getParams().betas, (b) => 1 / (1 + Math.exp(-b)));
    const evaluation = await evaluate(model, testSet, { channels: channelsB, height, width }, y.scale, split.test);
    return { evaluation, training: { ...trained, gates, warmStart: settings.warmStart }, split: { train: split.train.length, test: split.test.length } };
  } finally {
    await model.dispose();
  }
}
