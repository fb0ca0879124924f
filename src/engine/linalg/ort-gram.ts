/**
 * The CKA Grams on onnxruntime with the centring fused in: (X − μ)(X − μ)ᵀ and the column means μ run as ORT
 * graphs straight on a layer's features (subarray views, no copies), so no JS pass over every value of every
 * layer is needed — that pass cost as much as the GEMMs themselves on 100 layers × 2000 × 2048. Plain products
 * use compute/ort-matmul.ts. Sessions have dynamic dims, are created on first use and kept for the process.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../compute/onnx-builder';
import { createSession, unshared } from '../compute/ort-session';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function session(name: string, build: (g: GraphBuilder) => void): Promise<ort.InferenceSession> {
  let s = sessions.get(name);
  if (!s) {
    const g = new GraphBuilder(name);
    build(g);
    s = createSession(g.toBytes(), true);
    sessions.set(name, s);
  }
  return s;
}

/** K = (X − 1·μᵀ)·(X − 1·μᵀ)ᵀ for row-major X [m × d] and μ [d]. */
export async function ortCentredGram(x: Float32Array, m: number, d: number, mean: Float32Array): Promise<Float32Array> {
  const s = await session('centred-gram', (g) => {
    const xc = g.op('Sub', [g.input('x', ['m', 'd']), g.input('mean', ['d'])]);
    g.output(g.op('MatMul', [xc, g.op('Transpose', [xc], { perm: [1, 0] })]), 'k', ['m', 'm']);
  });
  const out = await s.run({
    x: new ort.Tensor('float32', unshared(x), [m, d]),
    mean: new ort.Tensor('float32', mean, [d]),
  });
  return out.k.data as Float32Array;
}

/** Column means of row-major X [m × d] (float32 accumulation: callers use it as a shift, not as a statistic). */
export async function ortColumnMeans(x: Float32Array, m: number, d: number): Promise<Float32Array> {
  const s = await session('column-means', (g) => {
    g.output(g.op('ReduceMean', [g.input('x', ['m', 'd'])], { axes: [0], keepdims: 0 }), 'mean', ['d']);
  });
  const out = await s.run({ x: new ort.Tensor('float32', unshared(x), [m, d]) });
  return out.mean.data as Float32Array;
}
