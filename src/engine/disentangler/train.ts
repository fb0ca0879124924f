import type { DisentangleSettings, TrainingInfo } from '../../protocol/report';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import type { DisentanglerModel } from '../compute/types';
import { shuffle } from '../random';
import { setLoss } from './chunks';
import { batchOf, type PairData } from './samples';
import { randomWindows, tiles, type Window } from './windows';

export interface TrainHooks {
  signal?: CancelSignal;
  onProgress?: StepSink;
  /** Put before the loss in the progress detail, e.g. "seed 2/3". */
  note?: string;
}

/**
 * A validation loss must beat the best by this relative margin (0.1 %) to count as an improvement for early stopping.
 * Past the warm start the curve creeps (measured: −0.5 % over the last 40 of 60 epochs on a 500-sample pair, worth
 * 0.002 of explained fraction); the margin stops such fits once `patience` epochs bring less than that.
 */
const MIN_IMPROVEMENT = 1e-3;

/** Learning rate of epoch e (0-based): log-linear from start to end over the planned epochs (authors' schedule). */
export function learningRateAt(settings: DisentangleSettings, epoch: number): number {
  const { start, end } = settings.learningRate;
  return start * (end / start) ** (epoch / Math.max(1, settings.epochs - 1));
}

export interface TrainSets {
  pair: PairData;
  /** The samples the weights are fitted on: one window of each per epoch (the whole map when not windowed). */
  fit: Int32Array;
  /** Carved out of the training split; selects the epoch. Absent when the split was too small to spare it. */
  validation?: Window[];
  /** The held-out test split: its loss is recorded per epoch for the curve, never used to decide anything. */
  test: Window[];
  /** Windows per training step and per held-out chunk (memory.ts). */
  batch: number;
  chunk: number;
}

/**
 * Shuffled mini-batch training with early stopping on the validation loss: the parameters with the best validation
 * loss (the starting point included, so a fit never ends worse than its warm start there) are restored at the end.
 * Without a validation set every epoch runs and the last parameters stay. The test split plays no part in either.
 */
export async function train(
  model: DisentanglerModel,
  sets: TrainSets,
  settings: DisentangleSettings,
  rng: () => number,
  hooks: TrainHooks,
): Promise<Omit<TrainingInfo, 'gates' | 'warmStart' | 'samples'>> {
  const started = performance.now();
  const { pair, fit, validation, test, chunk } = sets;
  const heldOut = (windows: Window[]) => setLoss(model, pair, windows, chunk);
  const order = Int32Array.from(fit);
  const batches = Math.max(1, Math.round(fit.length / Math.min(settings.batchSize, sets.batch)));
  let best = validation ? { loss: await heldOut(validation), params: model.getParams(), epoch: 0 } : undefined;
  const curve: TrainingInfo['curve'] = [];
  let finalLoss = Number.NaN;
  let epoch = 0;
  let earlyStopped = false;
  while (epoch < settings.epochs) {
    throwIfCancelled(hooks.signal);
    const lr = learningRateAt(settings, epoch);
    shuffle(order, rng);
    // Whole maps (no windowing) draw nothing from rng: the same stream as training on the samples themselves.
    const windows = randomWindows(order, pair.geometry, rng);
    let sum = 0;
    for (let j = 0; j < batches; j++) {
      throwIfCancelled(hooks.signal);
      // Batch sizes differ by at most one window: no tiny remainder batch with a noisy hidden-std estimate.
      const from = Math.floor((j * fit.length) / batches),
        to = Math.floor(((j + 1) * fit.length) / batches);
      const loss = await model.trainStep(batchOf(pair, windows.slice(from, to)), lr);
      sum += loss * (to - from);
    }
    epoch++;
    finalLoss = sum / fit.length;
    const val = validation ? await heldOut(validation) : undefined;
    const held = await heldOut(test);
    curve.push({ epoch, train: finalLoss, test: held, ...(val !== undefined ? { validation: val } : {}) });
    const detail = `${hooks.note ? `${hooks.note} · ` : ''}loss ${finalLoss.toPrecision(3)}${val !== undefined ? ` · validation ${val.toPrecision(3)}` : ''}`;
    hooks.onProgress?.({ done: epoch, total: settings.epochs, detail });
    if (!best || val === undefined) continue; // no validation set: no selection, every epoch runs
    if (val < best.loss * (1 - MIN_IMPROVEMENT)) best = { loss: val, params: model.getParams(), epoch };
    if (settings.patience > 0 && epoch - best.epoch >= settings.patience) {
      earlyStopped = epoch < settings.epochs;
      break;
    }
  }
  if (best) model.setParams(best.params);
  return {
    epochs: epoch,
    seconds: (performance.now() - started) / 1000,
    finalLoss: Number.isFinite(finalLoss) ? finalLoss : await heldOut(tiles(fit, pair.geometry, 1)),
    // The test split's first use that counts: the loss of the parameters the report is computed with.
    heldOutLoss: await heldOut(test),
    ...(best ? { validationLoss: best.loss, bestEpoch: best.epoch } : { bestEpoch: epoch }),
    earlyStopped,
    curve,
  };
}
