/**
 * The fitted disentangler as ONNX inference nodes: x_A (raw, NCHW or [N, C]) → g(x_A) in B's units, the sum of the
 * orders 0..K with ε dropped (method page §2). The hidden scales s(h_i) are frozen constants: in the fit they are
 * per-channel stds over a batch, here over the training samples (hidden-scales.ts), so each sample's output no longer
 * depends on the others in its batch.
 */
import { GraphBuilder } from '../compute/onnx-builder';
import { HIDDEN_SCALE_EPS } from '../compute/onnx-graph';
import type { FittedDisentangler } from '../disentangler/fit';
import { KcError } from '../errors';

export { HIDDEN_SCALE_EPS };

/** Adds g's nodes reading `x` (rank 4 NCHW or rank 2); `invScales[i]` names 1/s(h_i), i = 0..K−1. Returns g in B's
 * units (same rank as x) and the raw hidden stage outputs h_0..h_{K−1} (NCHW). */
export function addConsistentNodes(
  b: GraphBuilder,
  x: string,
  rank: number,
  fitted: FittedDisentangler,
  invScales: string[],
): { out: string; hidden: string[] } {
  const { spec, params, source, target } = fitted;
  if (source.perSample)
    throw new KcError(
      'kc refine needs the dataset normalisation (--normalize dataset): a per-sample one is not a fixed map',
    );
  const ca = spec.channelsA;
  const cb = spec.channelsB;
  const pad = (spec.kernel - 1) / 2;
  const image = rank === 2 ? b.op('Unsqueeze', [x, b.ints([2, 3])]) : x;
  const shift = b.floats(Array.from(source.shift), [1, ca, 1, 1]);
  const scale = b.floats(Array.from(source.scale), [1, ca, 1, 1]);
  const xt = b.op('Mul', [b.op('Sub', [image, shift]), scale]);
  const conv = (u: string, i: number, out: number) =>
    b.op('Conv', [u, b.floats(Array.from(params.weights[i]), [out, ca, spec.kernel, spec.kernel])], {
      kernel_shape: [spec.kernel, spec.kernel],
      pads: [pad, pad, pad, pad],
    });
  const K = spec.orders;
  const h: string[] = [conv(xt, 0, K === 0 ? cb : ca)];
  for (let i = 1; i <= K; i++) {
    const r = b.op('Relu', [b.op('Mul', [h[i - 1], invScales[i - 1]])]);
    const gate = 1 / (1 + Math.exp(-params.betas[i - 1]));
    const u = b.op('Add', [xt, b.op('Mul', [r, b.scalar(gate)])]);
    h.push(conv(u, i, i === K ? cb : ca));
  }
  const inB = b.op('Add', [
    b.op('Mul', [h[K], b.scalar(target.scale)]),
    b.floats(Array.from(target.mean), [1, cb, 1, 1]),
  ]);
  const out = rank === 2 ? b.op('Squeeze', [inB, b.ints([2, 3])]) : inB;
  return { out, hidden: h.slice(0, K) };
}

/** 1 / sqrt(var + ε) per channel, as the fit's hidden scale (onnx-graph.ts) computes it. */
export function inverseScale(variance: Float64Array): Float32Array {
  return Float32Array.from(variance, (v) => 1 / Math.sqrt(v + HIDDEN_SCALE_EPS));
}
