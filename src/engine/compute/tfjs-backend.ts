/**
 * Reference TrainingBackend on TF.js autodiff (cpu backend). Slow, but its gradients come from TF.js's own
 * autodiff, so it is the check for the hand-derived gradients of the onnxruntime backend, and it runs the small
 * unit tests anywhere. The math is exactly the header of ./types.ts:
 *   u_0 = x̃, h_0 = W_0 u_0;  u_i = x̃ + p_i·ReLU(h_{i-1}/s(h_{i-1})), h_i = W_i u_i;  g = h_K.
 * Conventions this backend fixes (the ORT backend must match them for the cross-check):
 *   - s(h) = sqrt(mean((h − mean h)²) + HIDDEN_STD_EPS) (population std) over (batch, H, W) or, for "sample",
 *     over (H, W) per sample; held constant in the gradient.
 *   - Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected) with coupled L2 weight decay (grad += wd·W, as
 *     torch.optim.Adam's weight_decay) on the convolution weights only; the gates are regularised by α·p² alone.
 * Internally NHWC (TF.js's native conv layout); NCHW only at the interface.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../../protocol/report';
import type { Batch, DisentanglerModel, DisentanglerParams, DisentanglerSpec, TrainingBackend } from './types';

/** Added to the variance before the square root, so that a dead hidden channel divides by a small number, not 0. */
export const HIDDEN_STD_EPS = 1e-5;

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * The cpu backend: wasm lacks Conv2DBackpropFilter, and a reference must not depend on native binaries. TF.js has
 * ONE global backend and the TF.js model adapters switch it to wasm, so every entry point switches back (a
 * long-lived worker extracts TF.js models and trains in the same process).
 */
async function ensureCpu(): Promise<void> {
  if (tf.getBackend() === 'cpu') return;
  await tf.setBackend('cpu');
  await tf.ready();
  // The cpu backend's first write prints a banner recommending tfjs-node, which this project deliberately does not
  // install (its install downloads a binary); the report already names the backend that ran.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

export function createTfjsBackend(): TrainingBackend {
  return {
    info: {
      name: 'tfjs-cpu',
      version: tf.version.tfjs,
      device: 'cpu',
      threads: 1,
      detail: 'TF.js autodiff (reference backend)',
    } satisfies BackendInfo,
    async create(spec, init) {
      await ensureCpu();
      return new TfjsDisentanglerModel(spec, init);
    },
  };
}

/** Stop-gradient: identity forward, zero backward (s(h) is a constant in the gradient). */
const stopGradient = tf.customGrad((...inputs) => ({
  value: (inputs[0] as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

export class TfjsDisentanglerModel implements DisentanglerModel {
  private params: DisentanglerParams;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private step = 0;

  constructor(
    private readonly spec: DisentanglerSpec,
    init: DisentanglerParams,
  ) {
    this.params = cloneParams(init);
    const all = [...this.params.weights, this.params.betas];
    this.m = all.map((a) => new Float32Array(a.length));
    this.v = all.map((a) => new Float32Array(a.length));
  }

  async trainStep(batch: Batch, learningRate: number): Promise<number> {
    await ensureCpu();
    const { loss, grads } = this.lossAndGradients(batch);
    this.step++;
    const all = [...this.params.weights, this.params.betas];
    const b1t = 1 - ADAM.beta1 ** this.step,
      b2t = 1 - ADAM.beta2 ** this.step;
    all.forEach((p, j) => {
      const g = grads[j],
        m = this.m[j],
        v = this.v[j];
      const wd = j < this.params.weights.length ? this.spec.weightDecay : 0;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] + wd * p[i];
        m[i] = ADAM.beta1 * m[i] + (1 - ADAM.beta1) * gi;
        v[i] = ADAM.beta2 * v[i] + (1 - ADAM.beta2) * gi * gi;
        p[i] -= (learningRate * (m[i] / b1t)) / (Math.sqrt(v[i] / b2t) + ADAM.epsilon);
      }
    });
    return loss;
  }

  async loss(batch: Batch): Promise<number> {
    await ensureCpu();
    return tf.tidy(() => {
      const inputs = this.inputs(batch);
      const value = this.lossOf(inputs, this.weightTensors(), tf.tensor1d(this.params.betas));
      return value.dataSync()[0];
    });
  }

  /**
   * Loss and its gradients w.r.t. [W_0, …, W_K (OIHW), β] — without weight decay — by TF.js autodiff.
   * Public so that other backends' hand-derived gradients can be checked against it.
   */
  lossAndGradients(batch: Batch): { loss: number; grads: Float32Array[] } {
    return tf.tidy(() => {
      const batchInputs = this.inputs(batch);
      const nw = this.params.weights.length;
      const betas = tf.tensor1d(this.params.betas);
      // With K = 0 there are no gates: β is not differentiated (TF.js refuses an unused input).
      const f = (...args: tf.Tensor[]) =>
        this.lossOf(batchInputs, args.slice(0, nw) as tf.Tensor4D[], args[nw] ?? betas) as tf.Scalar;
      const inputs = [...this.weightTensors(), ...(this.spec.orders > 0 ? [betas] : [])];
      const { value, grads } = tf.valueAndGrads(f)(inputs);
      const out = grads.map((g, j) =>
        Float32Array.from((j < nw ? hwioToOihw(g as tf.Tensor4D) : g).dataSync() as Float32Array),
      );
      if (this.spec.orders === 0) out.push(new Float32Array(0));
      return { loss: value.dataSync()[0], grads: out };
    });
  }

  async components(batch: Batch): Promise<Float32Array[]> {
    await ensureCpu();
    const K = this.spec.orders;
    return tf.tidy(() => {
      const { x, inside, counted } = this.inputs(batch);
      const w = this.weightTensors();
      const p = tf.sigmoid(tf.tensor1d(this.params.betas));
      // Forward once to freeze the masks M_i and scales s_i; D_i(z) = p_i · M_{i-1} ⊙ z / s_{i-1}.
      const gains: tf.Tensor[] = [];
      let h = conv(x, w[0]);
      for (let i = 1; i <= K; i++) {
        const s = this.hiddenStd(h, counted);
        const gate = p.slice(i - 1, 1);
        const mask = tf.cast(tf.greater(h, 0), 'float32');
        gains.push(tf.mul(gate, tf.div(inside ? tf.mul(mask, inside) : mask, s)));
        h = conv(tf.add(x, tf.mul(gate, this.hidden(h, s, inside))), w[i]);
      }
      const out: Float32Array[] = [];
      for (let k = 0; k <= K; k++) {
        let z = conv(x, w[K - k]);
        for (let i = K - k + 1; i <= K; i++) z = conv(tf.mul(gains[i - 1], z), w[i]);
        out.push(Float32Array.from(tf.transpose(z, [0, 3, 1, 2]).dataSync() as Float32Array));
      }
      return out;
    });
  }

  getParams(): DisentanglerParams {
    return cloneParams(this.params);
  }

  setParams(params: DisentanglerParams): void {
    this.params = cloneParams(params);
  }

  async dispose(): Promise<void> {
    /* no tensors outlive a call (everything runs in tf.tidy) */
  }

  private inputs(batch: Batch): BatchTensors {
    const { channelsA, channelsB, height, width } = this.spec;
    const nhwc = (data: Float32Array, c: number) =>
      tf.transpose(tf.tensor4d(data, [batch.n, c, height, width]), [0, 2, 3, 1]) as tf.Tensor4D;
    if (this.spec.masked && !(batch.inside && batch.counted))
      throw new Error('disentangler batch: a masked spec needs the inside and counted masks');
    return {
      x: nhwc(batch.x, channelsA),
      y: batch.y ? nhwc(batch.y, channelsB) : undefined,
      inside: this.spec.masked && batch.inside ? nhwc(batch.inside, 1) : undefined,
      counted: this.spec.masked && batch.counted ? nhwc(batch.counted, 1) : undefined,
    };
  }

  private weightTensors(): tf.Tensor4D[] {
    const { kernel: k, channelsA, channelsB, orders } = this.spec;
    return this.params.weights.map(
      (wt, i) =>
        tf.transpose(
          tf.tensor4d(wt, [i === orders ? channelsB : channelsA, channelsA, k, k]),
          [2, 3, 1, 0],
        ) as tf.Tensor4D,
    );
  }

  /** s(h) over (batch, H, W) or per sample over (H, W); over the counted positions only when masked. */
  private hiddenStd(h: tf.Tensor4D, counted?: tf.Tensor4D): tf.Tensor {
    const perSample = this.spec.hiddenScale === 'sample' && this.spec.height * this.spec.width > 1;
    const axes = perSample ? [1, 2] : [0, 1, 2];
    if (!counted) {
      const { variance } = tf.moments(h, axes, true);
      return stopGradient(tf.sqrt(tf.add(variance, HIDDEN_STD_EPS)));
    }
    const count = tf.sum(counted, axes, true);
    const mean = tf.div(tf.sum(tf.mul(h, counted), axes, true), count);
    const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(h, mean)), counted), axes, true), count);
    return stopGradient(tf.sqrt(tf.add(variance, HIDDEN_STD_EPS)));
  }

  /** ReLU(h / s), zero outside the image (where the whole map's stage input is padding). */
  private hidden(h: tf.Tensor, s: tf.Tensor, inside?: tf.Tensor4D): tf.Tensor {
    const r = tf.relu(tf.div(h, s));
    return inside ? tf.mul(r, inside) : r;
  }

  private lossOf({ x, y, inside, counted }: BatchTensors, w: tf.Tensor4D[], betas: tf.Tensor): tf.Tensor {
    const p = tf.sigmoid(betas);
    let h = conv(x, w[0]);
    for (let i = 1; i <= this.spec.orders; i++) {
      const u = tf.add(x, tf.mul(p.slice(i - 1, 1), this.hidden(h, this.hiddenStd(h, counted), inside)));
      h = conv(u as tf.Tensor4D, w[i]);
    }
    const squares = tf.squaredDifference(h, y!);
    const mse = counted
      ? tf.div(tf.sum(tf.mul(squares, counted)), tf.mul(tf.sum(counted), this.spec.channelsB))
      : tf.mean(squares);
    return this.spec.orders > 0 ? tf.add(mse, tf.mul(this.spec.alpha, tf.sum(tf.square(p)))) : mse;
  }
}

interface BatchTensors {
  x: tf.Tensor4D;
  y?: tf.Tensor4D;
  inside?: tf.Tensor4D;
  counted?: tf.Tensor4D;
}

function conv(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  return tf.conv2d(x, w, 1, 'same');
}

function hwioToOihw(g: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(g, [3, 2, 0, 1]);
}

function cloneParams(p: DisentanglerParams): DisentanglerParams {
  return { weights: p.weights.map((w) => Float32Array.from(w)), betas: Float32Array.from(p.betas) };
}
