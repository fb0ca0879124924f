import type { DisentangleSettings, TrainingInfo } from '../../protocol/report';
import { throwIfCancelled, type CancelSignal, type ProgressSink } from '../cancel';
import type { DisentanglerModel, DisentanglerParams } from '../compute/types';
import { shuffle } from '../random';
import { setLoss } from './chunks';
import { slice, type SampleSet } from './samples';

export interface TrainHooks {
  signal?: CancelSignal;
  onProgress?: ProgressSink;
  /** Progress stage label, e.g. "train conv1→conv2 A->B". */
  stage: string;
}

/**
 * A held-out loss must beat the best by this relative margin (0.1 %) to count as an improvement for early stopping.
 * Past the warm start the curve creeps (measured: −0.5 % over the last 40 of 60 epochs on a 500-sample pair, worth
 * 0.002 of explained fraction); the margin stops such fits once `patience` epochs bring less than that.
 */
const MIN_IMPROVEMENT = 1e-3;

/** Learning rate of epoch e (0-based): log-linear from start to end over the planned epochs (authors' schedule). */
export function learningRateAt(settings: DisentangleSettings, epoch: number): number {
  const { start, end } = settings.learningRate;
  return start * (end / start) ** (epoch / Math.max(1, settings.epochs - 1));
}

/**
 * Shuffled mini-batch training with early stopping on the held-out loss: the parameters with the best held-out loss
 * (the starting point included, so a fit never ends worse than its warm start) are restored at the end. Selecting
 * the stopping epoch on the held-out split biases its numbers slightly upward; with a handful of candidate epochs
 * and thousands of held-out values this is far below the spread across seeds.
 */
export async function train(model: DisentanglerModel, trainSet: SampleSet, testSet: SampleSet, settings: DisentangleSettings,
  rng: () => number, hooks: TrainHooks): Promise<Omit<TrainingInfo, 'gates' | 'warmStart'>> {
  const started = performance.now();
  const order = Int32Array.from({ length: trainSet.n }, (_, i) => i);
  const batches = Math.max(1, Math.round(trainSet.n / settings.batchSize));
  let best: { loss: number; params: DisentanglerParams; epoch: number } = { loss: await setLoss(model, testSet), params: model.getParams(), epoch: 0 };
  const curve: TrainingInfo['curve'] = [];
  let finalLoss = Number.NaN;
  let epoch = 0;
  let earlyStopped = false;
  while (epoch < settings.epochs) {
    throwIfCancelled(hooks.signal);
    const lr = learningRateAt(settings, epoch);
    shuffle(order, rng);
    let sum = 0;
    for (let j = 0; j < batches; j++) {
      throwIfCancelled(hooks.signal);
      // Batch sizes differ by at most one sample: no tiny remainder batch with a noisy hidden-std estimate.
      const from = Math.floor((j * trainSet.n) / batches), to = Math.floor(((j + 1) * trainSet.n) / batches);
      const loss = await model.trainStep(slice(trainSet, order.subarray(from, to)), lr);
      sum += loss * (to - from);
    }
    epoch++;
    finalLoss = sum / trainSet.n;
    const test = await setLoss(model, testSet);
    curve.push({ epoch, train: finalLoss, test });
    hooks.onProgress?.({ stage: hooks.stage, done: epoch, total: settings.epochs, detail: `loss ${finalLoss.toPrecision(3)} · held-out ${test.toPrecision(3)}` });
    if (test < best.loss * (1 - MIN_IMPROVEMENT)) best = { loss: test, params: model.getParams(), epoch };
    if (settings.patience > 0 && epoch - best.epoch >= settings.patience) {
      earlyStopped = epoch < settings.epochs;
      break;
    }
  }
  model.setParams(best.params);
  return {
    epochs: epoch,
    seconds: (performance.now() - started) / 1000,
    finalLoss: Number.isFinite(finalLoss) ? finalLoss : best.loss,
    heldOutLoss: best.loss,
    earlyStopped,
    curve,
  };
}
