import { KcError } from './errors';
import { createRng, shuffle } from './random';

/**
 * The one train/held-out split of the probe samples, shared by the disentangler and the held-out ridge estimate:
 * the same (n, testFraction, seed) always gives the same split. Both parts are sorted ascending and non-empty.
 */
export function splitIndices(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  if (!Number.isInteger(n) || n < 2) {
    throw new KcError(`need at least 2 probe samples to hold some out, got ${n}`);
  }
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new KcError(`test fraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  const nTest = Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
  const order = shuffle(
    Int32Array.from({ length: n }, (_, i) => i),
    createRng(seed),
  );
  const test = order.slice(0, nTest).sort();
  const train = order.slice(nTest).sort();
  return { train, test };
}
