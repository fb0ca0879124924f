/**
 * The seam between the disentangler's method code and whatever runs the numbers (onnxruntime-node,
 * TF.js, a GPU provider). The method code (src/engine/disentangler/) never imports a backend directly.
 *
 * The network (K = orders, k = kernel size, "same" padding, no biases):
 *   u_0 = x̃;  h_0 = W_0 u_0
 *   u_i = x̃ + p_i · ReLU(h_{i-1} / s(h_{i-1})),  h_i = W_i u_i        (i = 1..K)
 *   g(x̃) = h_K,   p_i = σ(β_i)
 * Shapes: W_0..W_{K-1} map C_A → C_A, W_K maps C_A → C_B (when C_A ≠ C_B only the last stage changes the
 * channel count, so the skip term x̃ needs no extra projection). Weights are OIHW: [out, in, k, k].
 * s(h) is a per-channel std treated as a constant in the gradient (see HiddenScale).
 * Loss = mean((g − y)²) + α Σ_i p_i².  Order components (masks and stds frozen at their forward values):
 *   x^(0) = W_K x̃,  and recursively as in ../shared/docs/knowledge-consistency.md §2.4; Σ_k x^(k) = g exactly.
 *
 * Tensors crossing this interface are float32 NCHW (ORT's native layout); the method code converts once.
 */

/** How s(h) is computed: per channel over (batch, H, W) ("batch"), or per sample and channel over (H, W) ("sample",
 * the authors' choice; falls back to "batch" when H = W = 1). */
export type HiddenScale = 'batch' | 'sample';

export interface DisentanglerSpec {
  orders: number; // K ≥ 0
  kernel: 1 | 3;
  channelsA: number;
  channelsB: number;
  height: number;
  width: number;
  alpha: number;
  weightDecay: number;
  hiddenScale: HiddenScale;
  /** Batches are windows cut from larger maps and carry Batch.inside / Batch.counted; height and width are the
   * window's. */
  masked?: boolean;
}

/** Parameters: weights[i] is W_i (OIHW, flattened), betas[i] is β_{i+1} (length K). */
export interface DisentanglerParams {
  weights: Float32Array[];
  betas: Float32Array;
}

/** A batch in NCHW: x is [n, C_A, H, W] (already normalised, zeros outside the image), y is [n, C_B, H, W]
 * (already scaled). */
export interface Batch {
  n: number;
  x: Float32Array;
  y?: Float32Array;
  /** Masked specs: [n, 1, H, W], 1 where a window position lies inside the map (outside, the hidden stages are the
   * map's zero padding). */
  inside?: Float32Array;
  /** Masked specs: [n, 1, H, W], 1 at the positions the loss, s(h) and the evaluation count: those whose receptive
   * field the window holds entirely (its centre, less nothing where it meets the map's edge). */
  counted?: Float32Array;
}

export interface DisentanglerModel {
  /** One Adam step (with decoupled-or-L2 weight decay as the backend documents) on a batch; returns the loss before the step. */
  trainStep(batch: Batch, learningRate: number): Promise<number>;
  /** Loss (MSE + gate penalty) on a batch without updating anything. */
  loss(batch: Batch): Promise<number>;
  /** The K + 1 order components x^(0..K), each [n, C_B, H, W] NCHW, with masks and stds frozen for this batch. */
  components(batch: Batch): Promise<Float32Array[]>;
  getParams(): DisentanglerParams;
  setParams(params: DisentanglerParams): void;
  dispose(): Promise<void>;
}

export interface TrainingBackend {
  /** Named in every report. */
  readonly info: import('../../protocol/report').BackendInfo;
  create(spec: DisentanglerSpec, init: DisentanglerParams): Promise<DisentanglerModel>;
}
