/**
 * The disentangler as hand-built ONNX graphs (see types.ts for the network): a training step (loss and the
 * hand-derived gradients of every W_i and β), a loss-only graph and a components graph.
 *
 * Gradient layout, chosen by measurement (../shared/docs/performance-notes.md):
 * - dU_i (gradient w.r.t. a conv's input) is a Conv of dH_i with W_i flipped spatially and in/out swapped
 *   (faster than ConvTranspose in ORT's CPU provider);
 * - dW_i is one MatMul per kernel tap on a shifted NHWC copy of U_i, contracting over n·H·W (im2col + one MatMul
 *   is the alternative: same flops, k²× the memory, slower here).
 * The hidden scale s(h) and the ReLU masks are constants in the gradient, as the method prescribes.
 *
 * Graph inputs: x [n, C_A, H, W], y [n, C_B, H, W], w0..wK (OIHW), beta [K] (only when K > 0); with spec.masked also
 * inside and counted [n, 1, H, W] (see Batch in types.ts): the hidden stages are zeroed outside the image, and the
 * loss and s(h) run over the counted positions only, so a window with its halo computes exactly what the whole map
 * computes at those positions (s(h) then comes from the counted positions of the batch).
 */
import type { DisentanglerSpec } from './types';
import { GraphBuilder } from './onnx-builder';

/** Added to the variance inside the square root, so a constant channel gives no NaN. */
export const HIDDEN_SCALE_EPS = 1e-5;

export interface GraphNames {
  x: string;
  y: string;
  weights: string[];
  beta: string | undefined;
  /** The window masks (spec.masked only). */
  inside: string | undefined;
  counted: string | undefined;
}

export function graphInputNames(spec: DisentanglerSpec): GraphNames {
  return {
    x: 'x',
    y: 'y',
    weights: Array.from({ length: spec.orders + 1 }, (_, i) => `w${i}`),
    beta: spec.orders > 0 ? 'beta' : undefined,
    inside: spec.masked ? 'inside' : undefined,
    counted: spec.masked ? 'counted' : undefined,
  };
}

/** Output names of the training graph: 'loss', then 'dw0'..'dwK', then 'dbeta' (K > 0). */
export function gradientOutputNames(spec: DisentanglerSpec): string[] {
  const names = Array.from({ length: spec.orders + 1 }, (_, i) => `dw${i}`);
  return spec.orders > 0 ? [...names, 'dbeta'] : names;
}

export function componentOutputNames(spec: DisentanglerSpec): string[] {
  return Array.from({ length: spec.orders + 1 }, (_, j) => `order${j}`);
}

/** Weight shapes, OIHW: W_0..W_{K-1} are C_A → C_A, W_K is C_A → C_B. */
export function weightShapes(spec: DisentanglerSpec): number[][] {
  return Array.from({ length: spec.orders + 1 }, (_, i) => [
    i === spec.orders ? spec.channelsB : spec.channelsA,
    spec.channelsA,
    spec.kernel,
    spec.kernel,
  ]);
}

interface Forward {
  /** Stage inputs u_0..u_K (u_0 = x). */
  u: string[];
  /** Stage outputs h_0..h_K (h_K = g). */
  h: string[];
  /** r_i = ReLU(h_i / s(h_i)), i = 0..K-1. */
  r: string[];
  /** 1 / s(h_i), i = 0..K-1. */
  invScale: string[];
  /** p_1..p_K, each of shape [1]. */
  gates: string[];
  /** σ(β) as a [K] vector (K > 0). */
  p: string | undefined;
}

class DisentanglerGraph {
  readonly b: GraphBuilder;
  readonly names: GraphNames;
  private readonly pad: number;

  constructor(
    readonly spec: DisentanglerSpec,
    name: string,
    withTarget: boolean,
  ) {
    this.b = new GraphBuilder(name);
    this.names = graphInputNames(spec);
    this.pad = (spec.kernel - 1) / 2;
    const { channelsA: ca, channelsB: cb, height: hh, width: ww } = spec;
    this.b.input(this.names.x, ['n', ca, hh, ww]);
    if (withTarget) this.b.input(this.names.y, ['n', cb, hh, ww]);
    weightShapes(spec).forEach((shape, i) => this.b.input(this.names.weights[i], shape));
    if (this.names.beta) this.b.input(this.names.beta, [spec.orders]);
    if (this.names.inside) this.b.input(this.names.inside, ['n', 1, hh, ww]);
    if (this.names.counted) this.b.input(this.names.counted, ['n', 1, hh, ww]);
  }

  conv(input: string, weight: string): string {
    const k = this.spec.kernel;
    return this.b.op('Conv', [input, weight], { kernel_shape: [k, k], pads: [this.pad, this.pad, this.pad, this.pad] });
  }

  /** 1 / s(h): biased std per channel over (n, H, W) or per sample and channel over (H, W); counted positions only
   * when masked. */
  inverseScale(h: string): string {
    const { b, spec, names } = this;
    const perSample = spec.hiddenScale === 'sample' && spec.height * spec.width > 1;
    const axes = perSample ? [2, 3] : [0, 2, 3];
    let variance: string;
    if (names.counted) {
      const count = b.op('ReduceSum', [names.counted, b.ints(axes)], { keepdims: 1 });
      const mean = b.op('Div', [
        b.op('ReduceSum', [b.op('Mul', [h, names.counted]), b.ints(axes)], { keepdims: 1 }),
        count,
      ]);
      const centred = b.op('Mul', [b.op('Sub', [h, mean]), names.counted]);
      variance = b.op('Div', [
        b.op('ReduceSum', [b.op('Mul', [centred, centred]), b.ints(axes)], { keepdims: 1 }),
        count,
      ]);
    } else {
      const mean = b.op('ReduceMean', [h], { axes, keepdims: 1 });
      const centred = b.op('Sub', [h, mean]);
      variance = b.op('ReduceMean', [b.op('Mul', [centred, centred])], { axes, keepdims: 1 });
    }
    return b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, b.scalar(HIDDEN_SCALE_EPS)])])]);
  }

  /** The forward pass; without `lastConv` it stops at the masks of stage K (the components graph redoes W_K). */
  forward(lastConv = true): Forward {
    const { b, spec, names } = this;
    const K = spec.orders;
    const p = names.beta ? b.op('Sigmoid', [names.beta]) : undefined;
    const f: Forward = { u: [names.x], h: [this.conv(names.x, names.weights[0])], r: [], invScale: [], gates: [], p };
    for (let i = 1; i <= K; i++) {
      const invScale = this.inverseScale(f.h[i - 1]);
      const relu = b.op('Relu', [b.op('Mul', [f.h[i - 1], invScale])]);
      // Outside the image u_i is the zero padding of the whole map: no hidden activation there.
      const r = names.inside ? b.op('Mul', [relu, names.inside]) : relu;
      const gate = b.op('Slice', [p as string, b.ints([i - 1]), b.ints([i]), b.ints([0])]);
      f.invScale.push(invScale);
      f.r.push(r);
      f.gates.push(gate);
      if (i === K && !lastConv) break;
      const u = b.op('Add', [names.x, b.op('Mul', [r, gate])]);
      f.u.push(u);
      f.h.push(this.conv(u, names.weights[i]));
    }
    return f;
  }

  /** Returns [loss, g − y (zero where not counted), the number of values the mean runs over]. */
  loss(f: Forward): [string, string, string] {
    const { b, names, spec } = this;
    const raw = b.op('Sub', [f.h[spec.orders], names.y]);
    const diff = names.counted ? b.op('Mul', [raw, names.counted]) : raw;
    const numel = names.counted
      ? b.op('Mul', [b.op('ReduceSum', [names.counted], { keepdims: 0 }), b.scalar(spec.channelsB)])
      : b.op('Cast', [b.op('Size', [diff])], { to: 1 });
    const squares = b.op('Mul', [diff, diff]);
    const mse = names.counted
      ? b.op('Div', [b.op('ReduceSum', [squares], { keepdims: 0 }), numel])
      : b.op('ReduceMean', [squares], { keepdims: 0 });
    if (!f.p) return [mse, diff, numel];
    const penalty = b.op('Mul', [b.op('ReduceSum', [b.op('Mul', [f.p, f.p])], { keepdims: 0 }), b.scalar(spec.alpha)]);
    return [b.op('Add', [mse, penalty]), diff, numel];
  }

  /** W flipped in H and W, in/out swapped: the kernel whose forward Conv is the conv's input gradient. */
  flippedKernel(weight: string): string {
    const { b } = this;
    const swapped = b.op('Transpose', [weight], { perm: [1, 0, 2, 3] });
    if (this.spec.kernel === 1) return swapped;
    const k = this.spec.kernel;
    return b.op('Slice', [swapped, b.ints([-1, -1]), b.ints([-k - 1, -k - 1]), b.ints([2, 3]), b.ints([-1, -1])]);
  }

  /**
   * dW[o, c, ky, kx] = Σ_{n,h,w} dH[n, o, h, w] · U_pad[n, c, h + ky, w + kx], contracting over n·H·W on NHWC rows:
   * 'im2col' concatenates the k² shifted copies of U into one [n·H·W, k²·C] matrix and runs one MatMul; 'per-tap'
   * runs one MatMul per shifted copy, so only one copy is alive at a time (a ninth of the memory, same flops).
   */
  weightGradient(u: string, dh: string, cin: number, cout: number, strategy: WeightGradientStrategy): string {
    const { b } = this;
    const { kernel: k, height: hh, width: ww } = this.spec;
    const uNhwc = b.op('Transpose', [u], { perm: [0, 2, 3, 1] });
    // dH as [cout, n·H·W] (rows in the same n, h, w order as U's NHWC rows): a plain MatMul, measured ~25 % faster
    // in MLAS than Gemm with transA on [n·H·W, cout].
    const dhT = b.op('Reshape', [b.op('Transpose', [dh], { perm: [1, 0, 2, 3] }), b.ints([cout, -1])]);
    if (k === 1)
      return b.op('Reshape', [
        b.op('MatMul', [dhT, b.op('Reshape', [uNhwc, b.ints([-1, cin])])]),
        b.ints([cout, cin, 1, 1]),
      ]);
    const p = this.pad;
    const padded = b.op('Pad', [uNhwc, b.ints([0, p, p, 0, 0, p, p, 0])]);
    const shifted = (ky: number, kx: number): string =>
      ky === p && kx === p
        ? uNhwc
        : b.op('Slice', [padded, b.ints([ky, kx]), b.ints([ky + hh, kx + ww]), b.ints([1, 2])]);
    const taps = Array.from({ length: k * k }, (_, t) => [Math.floor(t / k), t % k]);
    let dw: string; // [cout, k·k·cin], columns ordered (ky, kx, c)
    if (strategy === 'im2col') {
      const columns = b.op('Reshape', [
        b.op(
          'Concat',
          taps.map(([ky, kx]) => shifted(ky, kx)),
          { axis: 3 },
        ),
        b.ints([-1, k * k * cin]),
      ]);
      dw = b.op('MatMul', [dhT, columns]);
    } else {
      const products = taps.map(([ky, kx]) =>
        b.op('MatMul', [dhT, b.op('Reshape', [shifted(ky, kx), b.ints([-1, cin])])]),
      );
      dw = b.op('Concat', products, { axis: 1 });
    }
    return b.op('Transpose', [b.op('Reshape', [dw, b.ints([cout, k, k, cin])])], { perm: [0, 3, 1, 2] });
  }
}

export type WeightGradientStrategy = 'im2col' | 'per-tap';

export interface TrainingGraphOptions {
  /**
   * How dW is computed. Default 'per-tap': measured (CPU time per step, 1 thread, C = 8…256 at 14–28 px) 3–30 %
   * cheaper than 'im2col' at every width; peak RSS of a training run at (32,14,512) ≈ 0.95× PyTorch's instead of 1.6×.
   */
  weightGradient?: WeightGradientStrategy;
}

/** Training step: outputs loss (before the step), dw0..dwK and dbeta. */
export function buildTrainingGraph(spec: DisentanglerSpec, options: TrainingGraphOptions = {}): Uint8Array {
  const graph = new DisentanglerGraph(spec, 'disentangler_train', true);
  const strategy = options.weightGradient ?? 'per-tap';
  const { b, names } = graph;
  const K = spec.orders;
  const f = graph.forward();
  const [loss, diff, numel] = graph.loss(f);
  b.output(loss, 'loss', []);

  // d(mean((g − y)²))/dg = 2 (g − y) / numel
  let dh = b.op('Mul', [diff, b.op('Div', [b.scalar(2), numel])]);
  const shapes = weightShapes(spec);
  const dGates: string[] = [];
  for (let i = K; i >= 1; i--) {
    b.output(graph.weightGradient(f.u[i], dh, spec.channelsA, shapes[i][0], strategy), `dw${i}`, shapes[i]);
    const du = graph.conv(dh, graph.flippedKernel(names.weights[i]));
    dGates.unshift(b.op('ReduceSum', [b.op('Mul', [du, f.r[i - 1]]), b.ints([0, 1, 2, 3])], { keepdims: 0 }));
    // through u_i = x + p_i · ReLU(h_{i-1} / s): mask · p_i / s (s constant)
    const mask = b.op('Sign', [f.r[i - 1]]);
    dh = b.op('Mul', [b.op('Mul', [du, mask]), b.op('Mul', [f.invScale[i - 1], f.gates[i - 1]])]);
  }
  b.output(graph.weightGradient(names.x, dh, spec.channelsA, shapes[0][0], strategy), 'dw0', shapes[0]);

  if (f.p) {
    // dβ = (dL/dp + 2α p) · p (1 − p)
    const dp = b.op(
      'Concat',
      dGates.map((g) => b.op('Unsqueeze', [g, b.ints([0])])),
      { axis: 0 },
    );
    const withPenalty = b.op('Add', [dp, b.op('Mul', [f.p, b.scalar(2 * spec.alpha)])]);
    const sigmoidSlope = b.op('Mul', [f.p, b.op('Sub', [b.scalar(1), f.p])]);
    b.output(b.op('Mul', [withPenalty, sigmoidSlope]), 'dbeta', [K]);
  }
  return b.toBytes();
}

/** Loss (MSE + gate penalty) without gradients. */
export function buildLossGraph(spec: DisentanglerSpec): Uint8Array {
  const graph = new DisentanglerGraph(spec, 'disentangler_loss', true);
  const [loss] = graph.loss(graph.forward());
  graph.b.output(loss, 'loss', []);
  return graph.b.toBytes();
}

/**
 * The K + 1 order components with masks and stds frozen at their forward values. With
 * m_i = p_{i+1} · [h_i > 0] / s(h_i), the components of h_i are  W_i x  and  W_i(m_{i-1} ⊙ c)  for each
 * component c of h_{i-1}; x^(j) is the j-th component of h_K, and they sum to g exactly (up to rounding).
 */
export function buildComponentsGraph(spec: DisentanglerSpec): Uint8Array {
  const graph = new DisentanglerGraph(spec, 'disentangler_components', false);
  const { b, names } = graph;
  const f = graph.forward(false);
  let components = [f.h[0]];
  for (let i = 1; i <= spec.orders; i++) {
    const multiplier = b.op('Mul', [b.op('Sign', [f.r[i - 1]]), b.op('Mul', [f.invScale[i - 1], f.gates[i - 1]])]);
    const w = names.weights[i];
    components = [graph.conv(names.x, w), ...components.map((c) => graph.conv(b.op('Mul', [c, multiplier]), w))];
  }
  const [cb, hh, ww] = [spec.channelsB, spec.height, spec.width];
  componentOutputNames(spec).forEach((name, j) => b.output(components[j], name, ['n', cb, hh, ww]));
  return b.toBytes();
}
