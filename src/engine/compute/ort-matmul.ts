/**
 * Dense matrix products on onnxruntime-node (MLAS GEMM, both cores): for big Gram / covariance products in the
 * metrics (CKA, ridge), 20–100× faster than a JS loop. Row-major flat arrays; Float32Array runs in float32,
 * Float64Array in float64 (DGEMM: half the speed, for products whose centring would cancel in float32).
 * One session per (dtype, transA, transB), created on first use and kept for the process.
 */
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { ShapeMismatchError } from '../errors';
import { GraphBuilder } from './onnx-builder';
import { createSession, unshared } from './ort-session';

export interface MatmulOptions {
  /** a is stored [k, m] and used as its transpose. */
  transA?: boolean;
  /** b is stored [n, k] and used as its transpose. */
  transB?: boolean;
}

type Matrix = Float32Array | Float64Array;

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function gemmSession(double: boolean, transA: boolean, transB: boolean): Promise<ort.InferenceSession> {
  const key = `${double ? 'f64' : 'f32'}:${+transA}${+transB}`;
  let session = sessions.get(key);
  if (!session) {
    const b = new GraphBuilder(`gemm_${key}`);
    const elemType = double ? onnx.TensorProto.DataType.DOUBLE : onnx.TensorProto.DataType.FLOAT;
    b.input('a', transA ? ['k', 'm'] : ['m', 'k'], elemType);
    b.input('b', transB ? ['n', 'k'] : ['k', 'n'], elemType);
    b.output(b.op('Gemm', ['a', 'b'], { transA: +transA, transB: +transB }), 'c', ['m', 'n'], elemType);
    session = createSession(b.toBytes(), true);
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  return session;
}

/** C = op(A)·op(B), [m, n] row-major, where op(A) is [m, k] and op(B) is [k, n]. */
export async function matmul<T extends Matrix>(
  a: T,
  b: T,
  m: number,
  k: number,
  n: number,
  opts: MatmulOptions = {},
): Promise<T> {
  const double = a instanceof Float64Array;
  if (double !== b instanceof Float64Array)
    throw new ShapeMismatchError('matmul: a and b must both be Float32Array or both Float64Array');
  if (a.length !== m * k)
    throw new ShapeMismatchError(
      `matmul: a has ${a.length} values, [${opts.transA ? `${k}, ${m}` : `${m}, ${k}`}] needs ${m * k}`,
    );
  if (b.length !== k * n)
    throw new ShapeMismatchError(
      `matmul: b has ${b.length} values, [${opts.transB ? `${n}, ${k}` : `${k}, ${n}`}] needs ${k * n}`,
    );
  const type = double ? 'float64' : 'float32';
  const session = await gemmSession(double, !!opts.transA, !!opts.transB);
  const out = await session.run({
    a: new ort.Tensor(type, unshared(a), opts.transA ? [k, m] : [m, k]),
    b: new ort.Tensor(type, unshared(b), opts.transB ? [n, k] : [k, n]),
  });
  return out.c.data as T;
}

/**
 * Gram of a row-major [rows, cols] matrix X: 'rows' → X·Xᵀ [rows, rows] (sample Gram, as CKA uses),
 * 'cols' → Xᵀ·X [cols, cols] (feature covariance, as ridge uses).
 */
export function gram<T extends Matrix>(x: T, rows: number, cols: number, side: 'rows' | 'cols'): Promise<T> {
  return side === 'rows'
    ? matmul(x, x, rows, cols, rows, { transB: true })
    : matmul(x, x, cols, rows, cols, { transA: true });
}
