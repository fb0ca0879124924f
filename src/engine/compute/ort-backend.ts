/**
 * TrainingBackend on onnxruntime-node: the hand-built graphs of onnx-graph.ts, one session per graph and spec
 * (the training session is created in `create`, the loss and components sessions on first use), and Adam in
 * JS on the flat Float32Arrays: measured 39 ms CPU per step for 7.1 M parameters (C = 512), ~3 % of that step;
 * in-graph Adam is the same memory-bound work plus copying the updated weights back out.
 *
 * Adam: β1 0.9, β2 0.999, ε 1e-8, bias-corrected; weight decay as an L2 term added to the gradient of the
 * conv weights (torch.optim.Adam(weight_decay=…) as in the authors' code); the gates are regularised by α·p²
 * alone. Same conventions as the TF.js reference backend, so the two can be checked against each other.
 */
import * as ort from 'onnxruntime-node';
import type { BackendInfo } from '../../protocol/report';
import { KcError, ShapeMismatchError } from '../errors';
import {
  buildComponentsGraph,
  buildLossGraph,
  buildTrainingGraph,
  componentOutputNames,
  gradientOutputNames,
  graphInputNames,
  weightShapes,
  type TrainingGraphOptions,
} from './onnx-graph';
import { createSession, ortRuntime } from './ort-session';
import type { Batch, DisentanglerModel, DisentanglerParams, DisentanglerSpec, TrainingBackend } from './types';

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export async function createOrtBackend(): Promise<TrainingBackend> {
  const rt = await ortRuntime();
  const info: BackendInfo = {
    name: 'onnxruntime-node',
    version: rt.version,
    device: rt.device,
    threads: rt.threads,
    detail: `${rt.device === 'cuda' ? 'CUDA' : 'CPU'} execution provider, ${rt.threads} intra-op threads (no spinning), hand-built training graph`,
  };
  return {
    info,
    create: (spec, init) => createOrtModel(spec, init),
  };
}

export async function createOrtModel(
  spec: DisentanglerSpec,
  init: DisentanglerParams,
  graph: TrainingGraphOptions = {},
): Promise<OrtDisentangler> {
  validateSpec(spec);
  const model = new OrtDisentangler(spec, await createSession(buildTrainingGraph(spec, graph)));
  model.setParams(init);
  return model;
}

function validateSpec(spec: DisentanglerSpec): void {
  const dims = [spec.channelsA, spec.channelsB, spec.height, spec.width];
  if (!Number.isInteger(spec.orders) || spec.orders < 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new KcError(
      `disentangler spec: orders must be ≥ 0 and channels/height/width ≥ 1, got ${JSON.stringify(spec)}`,
    );
  }
  if (spec.kernel !== 1 && spec.kernel !== 3)
    throw new KcError(`disentangler spec: kernel must be 1 or 3, got ${spec.kernel}`);
}

export class OrtDisentangler implements DisentanglerModel {
  private readonly shapes: number[][];
  private weights: Float32Array[] = [];
  private betas = new Float32Array(0);
  private moments: { m: Float32Array; v: Float32Array }[] = [];
  private step = 0;
  private lossSession: Promise<ort.InferenceSession> | undefined;
  private componentsSession: Promise<ort.InferenceSession> | undefined;

  constructor(
    private readonly spec: DisentanglerSpec,
    private readonly trainSession: ort.InferenceSession,
  ) {
    this.shapes = weightShapes(spec);
  }

  /** Loss and gradients [dW_0..dW_K, dβ] (dβ only when K > 0), without updating anything. */
  async gradients(batch: Batch): Promise<{ loss: number; grads: Float32Array[] }> {
    const out = await this.trainSession.run(this.feeds(batch, true));
    const grads = gradientOutputNames(this.spec).map((name) => out[name].data as Float32Array);
    return { loss: (out.loss.data as Float32Array)[0], grads };
  }

  async trainStep(batch: Batch, learningRate: number): Promise<number> {
    const { loss, grads } = await this.gradients(batch);
    this.step++;
    [...this.weights, this.betas].forEach((param, i) => {
      const weightDecay = i < this.weights.length ? this.spec.weightDecay : 0;
      adamUpdate(param, grads[i], this.moments[i], this.step, learningRate, weightDecay);
    });
    return loss;
  }

  async loss(batch: Batch): Promise<number> {
    this.lossSession ??= createSession(buildLossGraph(this.spec));
    const out = await (await this.lossSession).run(this.feeds(batch, true));
    return (out.loss.data as Float32Array)[0];
  }

  async components(batch: Batch): Promise<Float32Array[]> {
    this.componentsSession ??= createSession(buildComponentsGraph(this.spec));
    const out = await (await this.componentsSession).run(this.feeds(batch, false));
    return componentOutputNames(this.spec).map((name) => out[name].data as Float32Array);
  }

  getParams(): DisentanglerParams {
    return { weights: this.weights.map((w) => w.slice()), betas: this.betas.slice() };
  }

  /** Copies the parameters in and restarts Adam (a new starting point has no moment history). */
  setParams(params: DisentanglerParams): void {
    const K = this.spec.orders;
    if (params.weights.length !== K + 1 || params.betas.length !== K) {
      throw new ShapeMismatchError(
        `disentangler params: expected ${K + 1} weights and ${K} betas, got ${params.weights.length} and ${params.betas.length}`,
      );
    }
    this.weights = params.weights.map((w, i) => {
      const size = this.shapes[i].reduce((a, b) => a * b, 1);
      if (w.length !== size)
        throw new ShapeMismatchError(
          `disentangler W${i}: expected ${size} values (OIHW [${this.shapes[i].join(', ')}]), got ${w.length}`,
        );
      return Float32Array.from(w);
    });
    this.betas = Float32Array.from(params.betas);
    this.moments = [...this.weights, this.betas].map((p) => ({
      m: new Float32Array(p.length),
      v: new Float32Array(p.length),
    }));
    this.step = 0;
  }

  async dispose(): Promise<void> {
    const sessions = [this.trainSession, await this.lossSession, await this.componentsSession];
    await Promise.all(sessions.map((s) => s?.release()));
  }

  private feeds(batch: Batch, withTarget: boolean): Record<string, ort.Tensor> {
    const { channelsA, channelsB, height, width } = this.spec;
    const names = graphInputNames(this.spec);
    const n = batch.n;
    if (!Number.isInteger(n) || n < 1) throw new KcError(`disentangler batch: n must be a positive integer, got ${n}`);
    checkSize('x', batch.x, [n, channelsA, height, width]);
    const feeds: Record<string, ort.Tensor> = {
      [names.x]: new ort.Tensor('float32', batch.x, [n, channelsA, height, width]),
    };
    if (withTarget) {
      if (!batch.y) throw new KcError('disentangler batch: the target y is required for training and loss');
      checkSize('y', batch.y, [n, channelsB, height, width]);
      feeds[names.y] = new ort.Tensor('float32', batch.y, [n, channelsB, height, width]);
    }
    this.weights.forEach((w, i) => (feeds[names.weights[i]] = new ort.Tensor('float32', w, this.shapes[i])));
    if (names.beta) feeds[names.beta] = new ort.Tensor('float32', this.betas, [this.spec.orders]);
    if (names.inside && names.counted) {
      if (!batch.inside || !batch.counted)
        throw new KcError('disentangler batch: a masked spec needs the inside and counted masks');
      checkSize('inside', batch.inside, [n, 1, height, width]);
      checkSize('counted', batch.counted, [n, 1, height, width]);
      feeds[names.inside] = new ort.Tensor('float32', batch.inside, [n, 1, height, width]);
      feeds[names.counted] = new ort.Tensor('float32', batch.counted, [n, 1, height, width]);
    }
    return feeds;
  }
}

function checkSize(name: string, data: Float32Array, shape: number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    throw new ShapeMismatchError(
      `disentangler batch: ${name} has ${data.length} values, NCHW [${shape.join(', ')}] needs ${size}`,
    );
}

function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  state: { m: Float32Array; v: Float32Array },
  step: number,
  lr: number,
  weightDecay: number,
): void {
  const { beta1, beta2, eps } = ADAM;
  const { m, v } = state;
  const correction1 = 1 - beta1 ** step;
  const stepSize = lr / correction1;
  const rootCorrection2 = Math.sqrt(1 - beta2 ** step);
  for (let j = 0; j < param.length; j++) {
    const g = grad[j] + weightDecay * param[j];
    m[j] = beta1 * m[j] + (1 - beta1) * g;
    v[j] = beta2 * v[j] + (1 - beta2) * g * g;
    param[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / rootCorrection2 + eps);
  }
}
