/**
 * Numeric code that needs big matrix products is written once, as a generator that yields product requests,
 * and run by either driver: runSync (float64 plain loops, for synchronous callers) or runAsync (float64 DGEMM on
 * onnxruntime for big products). The maths cannot drift between a "fast" and a "simple" copy.
 */
import { matmul as ortMatmul } from '../compute/ort-matmul';
import { abT } from './dense';

/** C = A·Bᵀ for row-major A [m × k] and B [n × k]; `symmetric` when A and B are the same matrix. */
export interface ProductRequest {
  a: Float64Array;
  m: number;
  b: Float64Array;
  n: number;
  k: number;
  symmetric: boolean;
}

/** A computation that yields product requests and receives each result ([m × n], row-major) back. */
export type Computation<T> = Generator<ProductRequest, T, Float64Array>;

/** Products of at least this many multiply-adds go to onnxruntime under runAsync. */
export const ORT_PRODUCT_MIN_MACS = 1e6;

export function product(
  a: Float64Array,
  m: number,
  b: Float64Array,
  n: number,
  k: number,
  symmetric = false,
): ProductRequest {
  return { a, m, b, n, k, symmetric };
}

export function runSync<T>(computation: Computation<T>): T {
  let step = computation.next();
  while (!step.done) {
    const r = step.value;
    step = computation.next(abT(r.a, r.m, r.b, r.n, r.k, r.symmetric));
  }
  return step.value;
}

export async function runAsync<T>(computation: Computation<T>): Promise<T> {
  let step = computation.next();
  while (!step.done) {
    const r = step.value;
    const result =
      r.m * r.n * r.k >= ORT_PRODUCT_MIN_MACS
        ? await ortMatmul(r.a, r.b, r.m, r.k, r.n, { transB: true })
        : abT(r.a, r.m, r.b, r.n, r.k, r.symmetric);
    step = computation.next(result);
  }
  return step.value;
}
