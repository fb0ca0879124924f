/**
 * Gram matrices X·Xᵀ on onnxruntime (MLAS float32 GEMM on ORT's intra-op threads): 50–100× the plain-loop
 * kernel in dense.ts, which is what makes the all-pairs CKA matrix fast. One session with dynamic [m, d] input,
 * created on first use and kept for the process.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../compute/onnx-builder';
import { createSession } from '../compute/ort-session';

let session: Promise<ort.InferenceSession> | undefined;

function gramSession(): Promise<ort.InferenceSession> {
  session ??= (() => {
    const g = new GraphBuilder('gram');
    const x = g.input('x', ['m', 'd']);
    g.output(g.op('MatMul', [x, g.op('Transpose', [x], { perm: [1, 0] })]), 'k', ['m', 'm']);
    return createSession(g.toBytes());
  })();
  return session;
}

/** K = X·Xᵀ for row-major X [m × d] (float32 in, float32 out). */
export async function ortGram(x: Float32Array, m: number, d: number): Promise<Float32Array> {
  const s = await gramSession();
  const out = await s.run({ x: new ort.Tensor('float32', x, [m, d]) });
  return out.k.data as Float32Array;
}
