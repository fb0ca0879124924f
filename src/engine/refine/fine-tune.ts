/**
 * Fine-tuning B's upper part on labelled layer-L values: shuffled mini-batches, softmax cross-entropy, Adam (β1 0.9,
 * β2 0.999, ε 1e-8, bias-corrected, no weight decay) in JS on the flat weights, one session.run per step.
 */
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { createSession } from '../compute/ort-session';
import { createRng, shuffle } from '../random';
import { WEIGHT_PREFIX, type UpperTraining } from './upper-train';

export interface LabelledValues {
  n: number;
  sampleDims: number[];
  data: Float32Array;
  labels: Int32Array;
  classes: number;
}

export interface FineTuneOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  signal?: CancelSignal;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface FineTuned {
  /** By their names in B. */
  weights: Map<string, Float32Array>;
  /** Mean loss over the whole training set before the first step and after the last. */
  lossBefore: number;
  lossAfter: number;
  /** Mean training loss of each epoch (over its batches, before each step). */
  epochLosses: number[];
}

export async function fineTune(training: UpperTraining, data: LabelledValues, o: FineTuneOptions): Promise<FineTuned> {
  const session = await createSession(training.bytes);
  try {
    const weights = training.weights.map((w) => w.values.slice());
    const m = weights.map((w) => new Float32Array(w.length));
    const v = weights.map((w) => new Float32Array(w.length));
    const rng = createRng(o.seed);
    const lossBefore = await meanLoss(session, training, weights, data);
    const epochLosses: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      throwIfCancelled(o.signal);
      const order = shuffle(
        Int32Array.from({ length: data.n }, (_, i) => i),
        rng,
      );
      let total = 0;
      for (let start = 0; start < data.n; start += o.batchSize) {
        const batch = order.subarray(start, start + o.batchSize);
        const out = await session.run(feeds(training, weights, data, batch), ['loss', ...gradNames(training)]);
        total += (out.loss.data as Float32Array)[0] * batch.length;
        step++;
        weights.forEach((w, i) => adam(w, out[`grad/${i}`].data as Float32Array, m[i], v[i], step, o.learningRate));
      }
      epochLosses.push(total / data.n);
      o.onEpoch?.(epoch + 1, total / data.n);
    }
    const lossAfter = await meanLoss(session, training, weights, data);
    return {
      weights: new Map(training.weights.map((w, i) => [w.name, weights[i]])),
      lossBefore,
      lossAfter,
      epochLosses,
    };
  } finally {
    await session.release();
  }
}

const gradNames = (t: UpperTraining) => t.weights.map((_, i) => `grad/${i}`);

async function meanLoss(
  session: ort.InferenceSession,
  training: UpperTraining,
  weights: Float32Array[],
  data: LabelledValues,
): Promise<number> {
  let total = 0;
  const chunk = 512;
  for (let start = 0; start < data.n; start += chunk) {
    const batch = Int32Array.from({ length: Math.min(chunk, data.n - start) }, (_, i) => start + i);
    const out = await session.run(feeds(training, weights, data, batch), ['loss']);
    total += (out.loss.data as Float32Array)[0] * batch.length;
  }
  return total / data.n;
}

function feeds(
  training: UpperTraining,
  weights: Float32Array[],
  data: LabelledValues,
  batch: Int32Array,
): Record<string, Tensor> {
  const per = data.sampleDims.reduce((a, b) => a * b, 1);
  const z = new Float32Array(batch.length * per);
  const onehot = new Float32Array(batch.length * data.classes);
  batch.forEach((s, i) => {
    z.set(data.data.subarray(s * per, (s + 1) * per), i * per);
    onehot[i * data.classes + data.labels[s]] = 1;
  });
  const result: Record<string, Tensor> = {
    z: new Tensor('float32', z, [batch.length, ...data.sampleDims]),
    onehot: new Tensor('float32', onehot, [batch.length, data.classes]),
  };
  training.weights.forEach((w, i) => (result[`${WEIGHT_PREFIX}${w.name}`] = new Tensor('float32', weights[i], w.dims)));
  return result;
}

function adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: number, lr: number): void {
  const b1 = 0.9;
  const b2 = 0.999;
  const c1 = 1 - b1 ** step;
  const c2 = 1 - b2 ** step;
  for (let i = 0; i < w.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
  }
}
