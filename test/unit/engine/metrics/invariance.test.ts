/** What the similarity measures must (and must not) be invariant to, on planted data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  linearCka,
  procrustesDistance,
  similarityMeasures,
  unbiasedLinearCka,
} from '../../../../src/engine/metrics/index';
import { eigh } from '../../../../src/engine/linalg/eigh';
import { createRng, randn } from '../../../../src/engine/random';
import { featureTensor } from '../../../../src/engine/tensor';
import { mapFlat, randomTensor, randomWeights } from './helpers';

/** A random orthogonal d × d matrix: the eigenvectors of a random symmetric matrix. */
function randomOrthogonal(d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) a[i * d + j] = a[j * d + i] = randn(rng);
  return eigh(a, d).vectors;
}

test('eigh: A·v = λ·v, orthonormal vectors, values descending', () => {
  const d = 9;
  const rng = createRng(1);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) a[i * d + j] = a[j * d + i] = randn(rng);
  const { values, vectors } = eigh(a, d);
  for (let k = 0; k < d; k++) {
    if (k > 0) assert.ok(values[k] <= values[k - 1]);
    for (let i = 0; i < d; i++) {
      let av = 0;
      for (let j = 0; j < d; j++) av += a[i * d + j] * vectors[k * d + j];
      assert.ok(Math.abs(av - values[k] * vectors[k * d + i]) < 1e-12);
    }
    for (let l = 0; l < d; l++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += vectors[k * d + i] * vectors[l * d + i];
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12);
    }
  }
});

test('CKA and Procrustes are invariant to an orthogonal transform and isotropic scale, CKA not to a general linear map', () => {
  const d = 12;
  // Anisotropic features (some directions much stronger), so that a general linear map changes the geometry.
  const x = mapFlat(
    randomTensor([80, d], 2),
    Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 + (i % 5) : 0)),
    d,
  );
  const y = randomTensor([80, 6], 3);
  const yq = mapFlat(
    y,
    Float64Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 1 : 0)),
    6,
  );
  const q = randomOrthogonal(d, 4);
  const rotated = mapFlat(x, q, d);
  const scaled = featureTensor(
    [...x.shape],
    x.data.map((v) => 3.7 * v + 1.5),
  ); // isotropic scale plus an offset
  const general = mapFlat(x, Float64Array.from(randomWeights(d * d, 9)), d); // invertible with probability 1

  const base = linearCka(x, yq);
  assert.ok(Math.abs(linearCka(rotated, yq) - base) < 1e-6);
  assert.ok(Math.abs(linearCka(scaled, yq) - base) < 1e-6);
  assert.ok(Math.abs(unbiasedLinearCka(rotated, yq) - unbiasedLinearCka(x, yq)) < 1e-6);
  assert.ok(Math.abs(linearCka(x, rotated) - 1) < 1e-6, 'a rotated copy is identical to CKA');
  assert.ok(linearCka(x, general) < 0.98, `general linear map: CKA ${linearCka(x, general)}`);
  assert.ok(procrustesDistance(x, rotated) < 1e-6);
  assert.ok(procrustesDistance(x, scaled) < 1e-6);
  assert.ok(procrustesDistance(x, general) > 0.02);
});

test('independent features: CKA small, unbiased CKA ≈ 0; identical features: everything says identical', async () => {
  const x = randomTensor([200, 4, 4, 3], 5);
  const y = randomTensor([200, 4, 4, 2], 6);
  const independent = await similarityMeasures(x, y, { seed: 1 });
  assert.ok(Math.abs(independent.linearCKAUnbiased!) < 0.05, `unbiased ${independent.linearCKAUnbiased}`);
  assert.ok(independent.linearCKA < 0.2);
  assert.ok(independent.svcca! < 0.1 && independent.pwcca! < 0.1);
  assert.ok(independent.ridgeExplained! < 0.05);
  const same = await similarityMeasures(x, x, { seed: 1 });
  assert.ok(Math.abs(same.linearCKA - 1) < 1e-6 && Math.abs(same.linearCKAUnbiased! - 1) < 1e-6);
  assert.ok(Math.abs(same.svcca! - 1) < 1e-6 && Math.abs(same.pwcca! - 1) < 1e-6);
  assert.ok(same.procrustes! < 1e-6 && same.ridgeExplained! > 0.999);
});

test('a constant layer gives 0, never NaN', async () => {
  const x = randomTensor([30, 5], 7);
  const constant = featureTensor([30, 3], new Float32Array(90).fill(2));
  const m = await similarityMeasures(x, constant);
  const { cka, ...numbers } = m;
  for (const [key, value] of Object.entries(numbers)) assert.ok(Number.isFinite(value), `${key} = ${value}`);
  for (const value of [cka?.value, ...(cka?.interval ?? [])])
    assert.ok(Number.isFinite(value), `cka ${JSON.stringify(cka)}`);
  assert.equal(m.linearCKA, 0);
});
