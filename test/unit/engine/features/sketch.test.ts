/**
 * The count sketch that stores matrix-only layers (features/sketch.ts): linear, deterministic, inner products kept
 * in expectation, so CKA on sketched layers stays close to CKA on the real features.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countSketch, sketchingSink } from '../../../../src/engine/features/sketch';
import { ckaMatrix } from '../../../../src/engine/metrics/index';
import { createRng, randn as gaussian } from '../../../../src/engine/random';
import { featureTensor } from '../../../../src/engine/tensor';

function randn(length: number, rng: () => number): Float32Array {
  return Float32Array.from({ length }, () => gaussian(rng));
}

test('a count sketch keeps inner products: ⟨Sx, Sy⟩ within a few of its standard deviations of ⟨x, y⟩', () => {
  const rng = createRng(1);
  const d = 40000;
  const width = 4096;
  const x = randn(d, rng);
  const y = Float32Array.from(x, (v) => 0.6 * v + 0.8 * gaussian(rng)); // correlation 0.6
  const both = new Float32Array(2 * d);
  both.set(x);
  both.set(y, d);
  const s = countSketch(both, 2, width);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, i) => acc + v * b[i], 0);
  const exact = dot(x, y);
  const sketched = dot(s.subarray(0, width), s.subarray(width));
  // Var ≈ (‖x‖²‖y‖² + ⟨x,y⟩²)/width
  const sd = Math.sqrt((dot(x, x) * dot(y, y) + exact ** 2) / width);
  assert.ok(Math.abs(sketched - exact) < 4 * sd, `⟨Sx,Sy⟩ ${sketched} vs ⟨x,y⟩ ${exact} (sd ${sd})`);
  // deterministic, and linear: S(2x) = 2·S(x)
  assert.deepEqual(countSketch(both, 2, width), s);
  const twice = countSketch(
    Float32Array.from(both, (v) => 2 * v),
    2,
    width,
  );
  twice.forEach((v, i) => assert.ok(Math.abs(v - 2 * s[i]) < 1e-4));
});

test('CKA of sketched layers stays within 0.03 of CKA of the layers themselves', async () => {
  const rng = createRng(7);
  const n = 64;
  const d = 30000;
  // Two layers of 8 latent factors each, 4 of them shared, plus noise: CKA well inside (0, 1).
  const latent = randn(n * 12, rng);
  const layer = (first: number, noise: number) => {
    const mix = randn(8 * d, rng);
    const out = new Float32Array(n * d);
    for (let s = 0; s < n; s++)
      for (let j = 0; j < d; j++) {
        let v = noise * gaussian(rng);
        for (let k = 0; k < 8; k++) v += latent[s * 12 + first + k] * mix[k * d + j];
        out[s * d + j] = Math.max(0, v); // ReLU, as real layers are
      }
    return out;
  };
  const a = layer(0, 2);
  const b = layer(4, 3);
  const exact = await ckaMatrix([featureTensor([n, d], a)], [featureTensor([n, d], b)]);
  const width = 16384;
  const sketched = await ckaMatrix(
    [featureTensor([n, width], countSketch(a, n, width))],
    [featureTensor([n, width], countSketch(b, n, width))],
  );
  assert.ok(exact[0][0] > 0.2 && exact[0][0] < 0.95, `exact CKA ${exact[0][0]}`);
  assert.ok(Math.abs(sketched[0][0] - exact[0][0]) < 0.03, `sketched ${sketched[0][0]} vs exact ${exact[0][0]}`);
});

test('the sketching sink sketches only the chosen layers wider than its width, and says which', async () => {
  const written: Array<[string, number[]]> = [];
  const sketched = new Set<string>();
  const sink = sketchingSink(
    { write: (layer, shape) => void written.push([layer, shape]) },
    new Set(['wide', 'narrow']),
    sketched,
    100,
  );
  await sink.write('wide', [2, 10, 10, 3], new Float32Array(600));
  await sink.write('narrow', [2, 5, 5, 2], new Float32Array(100));
  await sink.write('pinned', [2, 10, 10, 3], new Float32Array(600));
  assert.deepEqual(written, [
    ['wide', [2, 100]],
    ['narrow', [2, 5, 5, 2]],
    ['pinned', [2, 10, 10, 3]],
  ]);
  assert.deepEqual([...sketched], ['wide']);
});
