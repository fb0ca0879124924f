/**
 * The frozen hidden scales of g for inference: s(h_i) per channel over all the given samples (population std, as the
 * fit computes it over a batch), stage by stage, since h_i depends on s(h_0..h_{i−1}).
 */
import { GraphBuilder } from '../compute/onnx-builder';
import type { FittedDisentangler } from '../disentangler/fit';
import { addConsistentNodes, inverseScale } from './consistent-graph';
import { runModel } from './run-model';

/** `x`: the raw explaining features [n, ...sampleDims] (NCHW or [n, C]) of the samples the scales are taken over. */
export async function frozenInverseScales(
  fitted: FittedDisentangler,
  x: { n: number; sampleDims: number[]; data: Float32Array },
): Promise<Float32Array[]> {
  const K = fitted.spec.orders;
  const ca = fitted.spec.channelsA;
  const scales: Float32Array[] = [];
  for (let i = 0; i < K; i++) {
    // Stages above i read placeholders: only h_i, which depends on the scales already known, is read.
    const known = [...scales, ...Array.from({ length: K - scales.length }, () => new Float32Array(ca).fill(1))];
    const b = new GraphBuilder('kc-hidden-scales');
    const input = b.input('x', ['n', ...x.sampleDims]);
    const names = known.map((s) => b.floats(Array.from(s), [1, ca, 1, 1]));
    const { hidden } = addConsistentNodes(b, input, x.sampleDims.length + 1, fitted, names);
    b.output(hidden[i], 'h');
    const h = (await runModel(b.toBytes(), 'x', x, ['h'])).get('h')!;
    scales.push(inverseScale(channelVariance(h.data, h.dims)));
  }
  return scales;
}

/** Population variance per channel of an NCHW array, over samples and positions. */
export function channelVariance(data: Float32Array, dims: number[]): Float64Array {
  const [n, c] = dims;
  const plane = dims.slice(2).reduce((a, v) => a * v, 1);
  const sum = new Float64Array(c);
  const squares = new Float64Array(c);
  for (let s = 0; s < n; s++)
    for (let ch = 0; ch < c; ch++) {
      const base = (s * c + ch) * plane;
      for (let p = 0; p < plane; p++) {
        const v = data[base + p];
        sum[ch] += v;
        squares[ch] += v * v;
      }
    }
  const count = n * plane;
  return Float64Array.from(sum, (total, ch) => Math.max(0, squares[ch] / count - (total / count) ** 2));
}
