/**
 * The CKA Grams on onnxruntime with the centring fused in: (X − μ)(X − μ)ᵀ and the column means μ run as ORT
 * graphs straight on a layer's features (subarray views, no copies), so no JS pass over every value of every
 * layer is needed — that pass cost as much as the GEMMs themselves on 100 layers × 2000 × 2048. A wide layer goes
 * through in slices of CHUNK_VALUES: onnxruntime holds X − μ and its transpose besides X, and a layer in a
 * SharedArrayBuffer (a fit thread's) must be copied for it — whole, that was three more copies of a 640 MB layer
 * per fit thread. Plain products use compute/ort-matmul.ts. Sessions have dynamic dims, are created on first use and
 * kept for the process.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../compute/onnx-builder';
import { createSession } from '../compute/ort-session';

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

/** Values of X that go through onnxruntime at once (16 MB): a column slice of a wide layer, a row slice for μ. */
const CHUNK_VALUES = 1 << 22;

const isShared = (x: Float32Array) => x.buffer instanceof SharedArrayBuffer;

/** K = (X − 1·μᵀ)·(X − 1·μᵀ)ᵀ for row-major X [m × d] and μ [d], summed over column slices in float64. */
export async function ortCentredGram(x: Float32Array, m: number, d: number, mean: Float32Array): Promise<Float64Array> {
  const s = await session('centred-gram', (g) => {
    const xc = g.op('Sub', [g.input('x', ['m', 'd']), g.input('mean', ['d'])]);
    g.output(g.op('MatMul', [xc, g.op('Transpose', [xc], { perm: [1, 0] })]), 'k', ['m', 'm']);
  });
  const gram = (cols: Float32Array, width: number, mu: Float32Array) =>
    s.run({ x: new ort.Tensor('float32', cols, [m, width]), mean: new ort.Tensor('float32', mu, [width]) });
  const width = Math.max(1, Math.min(d, Math.floor(CHUNK_VALUES / m)));
  if (width === d && !isShared(x)) return Float64Array.from((await gram(x, d, mean)).k.data as Float32Array);
  const k = new Float64Array(m * m);
  for (let c0 = 0; c0 < d; c0 += width) {
    const w = Math.min(width, d - c0);
    const cols = new Float32Array(m * w);
    for (let r = 0; r < m; r++) cols.set(x.subarray(r * d + c0, r * d + c0 + w), r * w);
    const part = (await gram(cols, w, mean.slice(c0, c0 + w))).k.data as Float32Array;
    for (let i = 0; i < k.length; i++) k[i] += part[i];
  }
  return k;
}

/** Column means of row-major X [m × d] (float32 sums per row slice: callers use it as a shift, not as a statistic). */
export async function ortColumnMeans(x: Float32Array, m: number, d: number): Promise<Float32Array> {
  const s = await session('column-sums', (g) => {
    g.output(g.op('ReduceSum', [g.input('x', ['m', 'd']), g.ints([0])], { keepdims: 0 }), 'sum', ['d']);
  });
  const rows = Math.max(1, Math.floor(CHUNK_VALUES / d));
  const mean = new Float32Array(d);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const slice = x.subarray(r0 * d, Math.min(m, r0 + rows) * d);
    const data = isShared(slice) ? slice.slice() : slice;
    const out = await s.run({ x: new ort.Tensor('float32', data, [data.length / d, d]) });
    const sum = out.sum.data as Float32Array;
    for (let c = 0; c < d; c++) mean[c] += sum[c] / m;
  }
  return mean;
}
