import type { DisentangleSettings, TrainingInfo } from '../../protocol/report';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import type { DisentanglerModel, DisentanglerParams } from '../compute/types';
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

/**
 * An epoch whose validation loss exceeds the best trainable point's by this factor took too long a step for the
 * layer's scale: the parameters go back to that point and the learning rate is divided by BACKTRACK. Adam's first
 * steps move every weight by ≈ lr whatever its gradient, so on wide real layers (512–1024 channels) lr 1e-2 threw a
 * near-perfect ridge start (validation loss 0.005) to 0.2–23 after one epoch; planted layers never jump like that.
 */
const JUMP = 0.5;
const BACKTRACK = 10;
/** Backtracks before giving up: lr ÷ 10⁴ makes steps that no longer move the loss by MIN_IMPROVEMENT. */
const MAX_BACKTRACKS = 4;

/** Learning rate of epoch e (0-based): log-linear from start to end over the planned epochs (authors' schedule). */
export function learningRateAt(settings: DisentangleSettings, epoch: number): number {
  const { start, end } = settings.learningRate;
  return start * (end / start) ** (epoch / Math.max(1, settings.epochs - 1));
}

export interface TrainSets {
  pair: PairData;
  /**
   * Starting points the validation set also judges, besides the model's own parameters (where training starts):
   * e.g. the ridge map with the gates shut, which training cannot start from (shut gates never open) but which
   * is kept when no epoch beats it.
   */
  alternatives?: DisentanglerParams[];
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
 * loss (the starting points included, so a fit never ends worse than its start there) are restored at the end. An
 * epoch that jumps above the best trainable point (JUMP) is undone and the learning rate cut (BACKTRACK). Without a
 * validation set every epoch runs and the last parameters stay. The test split plays no part in either.
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
  // anchor: the best point training can resume from; best: the best of everything, the shut-gate starts included.
  let anchor = validation ? { loss: await heldOut(validation), params: model.getParams(), epoch: 0 } : undefined;
  let best = anchor && (await bestStart(model, anchor, sets.alternatives ?? [], () => heldOut(validation!)));
  const curve: TrainingInfo['curve'] = [];
  let finalLoss = Number.NaN;
  let epoch = 0;
  let earlyStopped = false;
  let lrScale = 1;
  let backtracks = 0;
  while (epoch < settings.epochs) {
    throwIfCancelled(hooks.signal);
    const lr = learningRateAt(settings, epoch) * lrScale;
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
    if (!anchor || !best || val === undefined) continue; // no validation set: no selection, every epoch runs
    if (val < anchor.loss * (1 - MIN_IMPROVEMENT)) anchor = { loss: val, params: model.getParams(), epoch };
    if (val < best.loss * (1 - MIN_IMPROVEMENT)) best = { loss: val, params: anchor.params, epoch };
    if (val > anchor.loss * (1 + JUMP) && backtracks < MAX_BACKTRACKS) {
      // Undo the step that overshot (setParams also restarts Adam's moments) and take shorter ones from there.
      model.setParams(anchor.params);
      lrScale /= BACKTRACK;
      backtracks++;
    }
    // Patience counts from the best trainable point: an undone epoch is one that did not improve (the fast preset
    // stays at its few epochs on layers where every step overshoots).
    if (settings.patience > 0 && epoch - anchor.epoch >= settings.patience) {
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
    ...(best
      ? { validationLoss: best.loss, bestEpoch: best.epoch, improvedOnStart: best.epoch > 0 }
      : { bestEpoch: epoch }),
    ...(backtracks ? { backtracks } : {}),
    earlyStopped,
    curve,
  };
}

/** The start with the lowest validation loss among the model's own parameters and the alternatives (epoch 0). The
 * model is left at its own parameters, where training starts. */
async function bestStart(
  model: DisentanglerModel,
  own: { loss: number; params: DisentanglerParams; epoch: number },
  alternatives: DisentanglerParams[],
  loss: () => Promise<number>,
): Promise<{ loss: number; params: DisentanglerParams; epoch: number }> {
  let best = own;
  for (const params of alternatives) {
    model.setParams(params);
    const l = await loss();
    if (l < best.loss) best = { loss: l, params, epoch: 0 };
  }
  if (alternatives.length) model.setParams(own.params);
  return best;
}
