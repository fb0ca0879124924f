import { KcError, ShapeMismatchError } from '../errors';
import { checkTestSize } from '../split';
import type { FeatureTensor } from '../tensor';

/**
 * Checks a pair of layers before anything is fitted: same probe samples, finite values, and enough samples that
 * `testFraction` of them make a held-out set worth reporting (split.ts).
 */
export function validatePair(
  a: FeatureTensor,
  b: FeatureTensor,
  nameA: string,
  nameB: string,
  testFraction: number,
): void {
  for (const [t, name] of [
    [a, nameA],
    [b, nameB],
  ] as const) {
    if (t.data.length === 0 || t.shape.some((d) => d === 0)) {
      throw new KcError(`${name} is empty (shape [${t.shape.join(', ')}]): it holds no features of the probe samples`);
    }
    const bad = firstNonFinite(t.data);
    if (bad >= 0) {
      const [, h, w, c] = t.shape;
      const sample = Math.floor(bad / (h * w * c));
      throw new KcError(
        `${name} has ${Number.isNaN(t.data[bad]) ? 'NaN' : 'infinite'} values (first at sample ${sample}, channel ${bad % c}): remove or fix those samples`,
        'non-finite',
      );
    }
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeMismatchError(
      `${nameA} has ${a.shape[0]} samples but ${nameB} has ${b.shape[0]}: both must hold features of the same probe inputs, in the same order`,
    );
  }
  checkTestSize(a.shape[0], testFraction);
}

function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}
