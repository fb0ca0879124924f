import { KcError } from './errors';
import { createRng, shuffle } from './random';

/**
 * Fewest held-out samples an explained fraction is reported from. Its variances are over samples (the positions of
 * one sample move together): a single dense sample has none, and every fraction read 0.000. On a planted dense pair
 * (8 → 6 channels, 400 probes, 60 splits) the held-out ridge fraction had a spread of 0.19 with 2 held-out samples,
 * 0.11 with 4, 0.056 with 8 and 0.038 with 16, and read low below 8. The validation set has the same floor.
 */
export const MIN_TEST_SAMPLES = 8;

/**
 * The one train/held-out split of the probe samples, shared by the disentangler and the held-out ridge estimate:
 * the same (n, testFraction, seed, groups) always gives the same split. Both parts are sorted ascending and non-empty.
 * `groups` (FeatureTensor.groups: per-token features, each text's count of consecutive samples): whole groups are
 * held out, a test fraction of the texts, so no token of a held-out text is fitted on.
 */
export function splitIndices(
  n: number,
  testFraction: number,
  seed: number,
  groups?: readonly number[],
): { train: Int32Array; test: Int32Array } {
  if (!Number.isInteger(n) || n < 2) {
    throw new KcError(`need at least 2 probe samples to hold some out, got ${n}`);
  }
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new KcError(`test fraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  if (groups) return groupSplit(n, testFraction, seed, groups);
  const nTest = testCount(n, testFraction);
  const order = shuffle(
    Int32Array.from({ length: n }, (_, i) => i),
    createRng(seed),
  );
  const test = order.slice(0, nTest).sort();
  const train = order.slice(nTest).sort();
  return { train, test };
}

function groupSplit(
  n: number,
  testFraction: number,
  seed: number,
  groups: readonly number[],
): { train: Int32Array; test: Int32Array } {
  if (groups.reduce((a, b) => a + b, 0) !== n || groups.length < 2) {
    throw new KcError(`${groups.length} sample groups do not cover the ${n} samples`, 'internal');
  }
  const held = new Set(
    shuffle(
      Int32Array.from(groups, (_, i) => i),
      createRng(seed),
    ).slice(0, testCount(groups.length, testFraction)),
  );
  const train: number[] = [];
  const test: number[] = [];
  let start = 0;
  groups.forEach((size, g) => {
    for (let i = start; i < start + size; i++) (held.has(g) ? test : train).push(i);
    start += size;
  });
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** The group of each of the samples `groups` covers (consecutive runs of the given sizes). */
export function groupOf(groups: readonly number[]): Int32Array {
  const out = new Int32Array(groups.reduce((a, b) => a + b, 0));
  let start = 0;
  groups.forEach((size, g) => {
    out.fill(g, start, start + size);
    start += size;
  });
  return out;
}

/** Held-out samples of splitIndices(n, testFraction, ·). */
export function testCount(n: number, testFraction: number): number {
  return Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
}

/**
 * A one-line KcError when `n` probe samples with `testFraction` hold out fewer than MIN_TEST_SAMPLES: how many there
 * are, how many are held out, and the probe count or test fraction that would do.
 */
export function checkTestSize(n: number, testFraction: number): void {
  const held = n >= 2 ? testCount(n, testFraction) : 0;
  if (held >= MIN_TEST_SAMPLES) return;
  let enough = Math.max(MIN_TEST_SAMPLES + 1, Math.floor((MIN_TEST_SAMPLES - 0.5) / testFraction));
  while (testCount(enough, testFraction) < MIN_TEST_SAMPLES) enough++;
  // The least fraction that holds out enough, rounded up to two significant digits; suggested only while it leaves
  // most samples to fit on.
  const exact = (MIN_TEST_SAMPLES - 0.5) / n;
  const step = 10 ** (Math.floor(Math.log10(exact)) - 1);
  let fraction = Number((Math.ceil(exact / step) * step).toPrecision(2));
  if (testCount(n, fraction) < MIN_TEST_SAMPLES) fraction = Number((fraction + step).toPrecision(2));
  const orFraction = fraction <= 0.5 ? ` or a test fraction of at least ${fraction} (--test-fraction)` : '';
  throw new KcError(
    `${n} probe sample${n === 1 ? '' : 's'}, test fraction ${testFraction}: ${held} held out, but the held-out ` +
      `explained fraction needs at least ${MIN_TEST_SAMPLES} to estimate its variances; use at least ${enough} probe ` +
      `samples${orFraction}`,
  );
}
