/**
 * Every similarity measure is the same at any scale of either side: squares of features ×1e20 no longer overflow a
 * float32 Gram, nor those of ×1e-20 sink below float32's range, nor CKA's normaliser overflow at ×1e38 (scale.ts).
 * Before: ×1e38 read CKA 0.000 on every route; on the onnxruntime Gram route ×1e20 and ×1e-30 read CKA and unbiased
 * CKA 0.000, and ckaMatrix NaN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ckaMatrix, similarityMeasures } from '../../../../src/engine/metrics/index';
import { createRng, randn } from '../../../../src/engine/random';
import { featureTensor, type FeatureTensor } from '../../../../src/engine/tensor';
import type { SimilarityMeasures } from '../../../../src/protocol/report';

/** A planted pair: B = a random linear map of A's channels (at every position) + noise. */
function plantedPair(seed: number, shape: [number, number, number, number], noise: number) {
  const rng = createRng(seed);
  const [n, h, w, c] = shape;
  const cb = Math.max(1, c - 1);
  const a = Float32Array.from({ length: n * h * w * c }, () => randn(rng));
  const map = Float64Array.from({ length: c * cb }, () => randn(rng) / Math.sqrt(c));
  const b = new Float32Array(n * h * w * cb);
  for (let r = 0; r < n * h * w; r++)
    for (let o = 0; o < cb; o++) {
      let v = noise * randn(rng);
      for (let i = 0; i < c; i++) v += a[r * c + i] * map[i * cb + o];
      b[r * cb + o] = v;
    }
  return [featureTensor(shape, a), featureTensor([n, h, w, cb], b)] as const;
}

/** The same features with their largest |x| at `peak` (float32 holds up to 3.4e38). */
function withPeak(t: FeatureTensor, peak: number): FeatureTensor {
  const max = t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return featureTensor(
    [...t.shape],
    Float32Array.from(t.data, (v) => (v / max) * peak),
  );
}

function assertSame(got: SimilarityMeasures, expected: SimilarityMeasures, tolerance: number, what: string): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort(), `${what}: the same measures`);
  const numbers = (m: SimilarityMeasures) => {
    const { cka, ...rest } = m;
    return { ...rest, ckaShown: cka?.value, ckaLow: cka?.interval?.[0], ckaHigh: cka?.interval?.[1] };
  };
  for (const [key, value] of Object.entries(numbers(expected))) {
    const other = (numbers(got) as Record<string, number | undefined>)[key];
    if (value === undefined) assert.equal(other, undefined, `${what}: ${key}`);
    else assert.ok(Math.abs(other! - value) <= tolerance, `${what}: ${key} ${other} vs ${value}`);
  }
}

const SHAPES: Array<[number, number, number, number]> = [
  [200, 1, 1, 8], // dense: covariance routes in float64
  [300, 4, 4, 16], // 256 features per sample, 300 samples: Grams on onnxruntime in float32
];

test('a planted pair ×1e38 (largest |x| 1e38 and 3e38): the unscaled pair’s measures', async () => {
  for (const shape of SHAPES) {
    const [a, b] = plantedPair(1, shape, 0.5);
    const expected = await similarityMeasures(a, b);
    assert.ok(expected.linearCKA > 0.3, `something to find: ${expected.linearCKA}`);
    const got = await similarityMeasures(withPeak(a, 1e38), withPeak(b, 3e38));
    assertSame(got, expected, 1e-6, `[${shape}] ×1e38`);
    const matrix = await ckaMatrix([withPeak(a, 1e38)], [withPeak(b, 3e38)]);
    // The matrix holds the estimator the views show: unbiased below 512 probes.
    assert.ok(Math.abs(matrix[0][0] - expected.cka!.value) <= 1e-6, `ckaMatrix ${matrix[0][0]}`);
  }
});

test('random planted pairs, each side ×[1e-30, 1e30]: every measure and ckaMatrix unchanged', async () => {
  const factor = fc.double({ min: -30, max: 30, noNaN: true }).map((e) => 10 ** e);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1e6 }),
      fc.constantFrom(...SHAPES),
      fc.double({ min: 0.1, max: 2, noNaN: true }),
      factor,
      factor,
      async (seed, shape, noise, fa, fb) => {
        const [a, b] = plantedPair(seed, shape, noise);
        const scale = (t: FeatureTensor, f: number) =>
          featureTensor(
            [...t.shape],
            t.data.map((v) => v * f),
          );
        const [sa, sb] = [scale(a, fa), scale(b, fb)];
        const what = `seed ${seed} [${shape}] A ×${fa}, B ×${fb}`;
        assertSame(await similarityMeasures(sa, sb), await similarityMeasures(a, b), 1e-6, what);
        const [scaled, plain] = [await ckaMatrix([sa], [sb]), await ckaMatrix([a], [b])];
        assert.ok(Math.abs(scaled[0][0] - plain[0][0]) <= 1e-6, `${what}: ckaMatrix ${scaled[0][0]} vs ${plain[0][0]}`);
      },
    ),
    { numRuns: 12, seed: 3 },
  );
});
