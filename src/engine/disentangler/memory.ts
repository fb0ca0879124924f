/**
 * How many windows a fit may put through the network at once under its memory budget: the bytes of a batch's
 * activations (input, target, every hidden stage, gradients) and of the parameters (weights, Adam moments,
 * gradients, the best copy), with factors measured on onnxruntime's CPU provider (peak RSS growth per window and per
 * parameter; see the disentangler README, "Memory").
 */
import { KcError } from '../errors';
import type { DisentanglerSpec } from '../compute/types';

/** Default budget of `kc compare --memory` and `knowledgeConsistency.memoryBudgetMb`. */
export const DEFAULT_MEMORY_MB = 2048;

/**
 * Peak RSS growth per window, in float32 maps of C_A + C_B channels, K = 2 (each further stage adds about a third):
 * measured 11.8–12.2 for a training step and 6.8–9.9 for a components pass at 16–64 windows of 30×30×64,
 * 14×14×512 and 28×28×256 (ORT's CPU arena included).
 */
const TRAIN_MAPS = 12;
const TRAIN_PER_STAGE = 4;
const EVAL_MAPS = 10;
const EVAL_PER_STAGE = 3;
/** Float32 copies of the parameters a fit holds: weights, gradients, two Adam moments, the best, graph copies. */
const PARAM_COPIES = 8;
/** Input + target values of a held-out chunk at most (64 MB): a bigger chunk is no faster, only bigger. */
const CHUNK_VALUES = 1 << 24;

/** A fit that does not fit its budget even one window at a time; `neededBytes`: what it would need. */
export class OverBudgetError extends KcError {
  constructor(
    message: string,
    readonly neededBytes: number,
  ) {
    super(message);
  }
}

export interface BatchLimits {
  /** Windows per training step (≤ the settings' batch size). */
  train: number;
  /** Windows per held-out chunk. */
  evaluate: number;
}

/**
 * Windows per training step and per held-out chunk that fit `budgetBytes`; an OverBudgetError (a KcError: `kc compare`
 * runs the pair alone with the whole budget, or skips it with this reason) when not even one window fits.
 */
export function batchLimits(spec: DisentanglerSpec, batchSize: number, budgetBytes: number, what: string): BatchLimits {
  const mapBytes = 4 * spec.height * spec.width * (spec.channelsA + spec.channelsB);
  const extra = Math.max(0, spec.orders - 2);
  const perTrain = mapBytes * (TRAIN_MAPS + TRAIN_PER_STAGE * extra);
  const perEval = mapBytes * (EVAL_MAPS + EVAL_PER_STAGE * extra);
  // W_0…W_{K−1}: C_A → C_A, W_K: C_A → C_B (compute/types.ts)
  const params = spec.channelsA * (spec.orders * spec.channelsA + spec.channelsB) * spec.kernel ** 2;
  const free = budgetBytes - 4 * PARAM_COPIES * params;
  const needed = 4 * PARAM_COPIES * params + perTrain + perEval;
  if (budgetBytes < needed) {
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0);
    throw new OverBudgetError(
      `${what} needs about ${mb(needed)} MB at batch 1 (${spec.height}×${spec.width} window, ${spec.channelsA} → ` +
        `${spec.channelsB} channels), over the memory budget of ${mb(budgetBytes)} MB: raise it (kc compare --memory, ` +
        'knowledgeConsistency.memoryBudgetMb) or use --kernel 1',
      needed,
    );
  }
  // A fit holds its training and held-out sessions (and their arenas) at once: the batch first, chunks from the rest.
  const train = Math.max(1, Math.min(batchSize, Math.floor((free - perEval) / perTrain)));
  const rest = Math.floor((free - train * perTrain) / perEval);
  return { train, evaluate: Math.max(1, Math.min(rest, Math.floor((CHUNK_VALUES * 4) / mapBytes))) };
}
