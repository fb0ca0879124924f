/** Values against NumPy (test/fixtures/metrics/make_fixture.py: independent SVD-of-data formulations). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ckaMatrix,
  linearCka,
  procrustesDistance,
  similarityMeasures,
  unbiasedLinearCka,
} from '../../../../src/engine/metrics/index';
import { covariances, pwccaFromCov, svccaFromCov } from '../../../../src/engine/metrics/cca';
import { ccaViews } from '../../../../src/engine/metrics/views';
import { gram } from '../../../../src/engine/metrics/gram';
import { procrustesFromCov, procrustesFromGrams } from '../../../../src/engine/metrics/procrustes';
import { featureTensor, type FeatureTensor } from '../../../../src/engine/tensor';

interface Case {
  name: string;
  shapeA: number[];
  shapeB: number[];
  batchSize: number;
  a: number[];
  b: number[];
  expected: Record<'linearCKA' | 'linearCKAUnbiased' | 'svcca' | 'pwcca' | 'procrustes', number>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/metrics/metrics.json'), 'utf8')) as {
  cases: Case[];
  matrix: {
    layersA: Array<{ shape: number[]; data: number[] }>;
    layersB: Array<{ shape: number[]; data: number[] }>;
    batchSize: number;
    linearCKA: number[][];
    linearCKAUnbiased: number[][];
  };
};
const tensor = (shape: number[], data: number[]): FeatureTensor => featureTensor(shape, Float32Array.from(data));
const TOL = 1e-9;

function close(actual: number, expected: number, what: string, tol = TOL): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual} vs numpy ${expected} (|Δ| ${Math.abs(actual - expected)})`,
  );
}

for (const c of fixture.cases) {
  test(`${c.name}: CKA, unbiased CKA, SVCCA, PWCCA, Procrustes match numpy`, () => {
    const a = tensor(c.shapeA, c.a);
    const b = tensor(c.shapeB, c.b);
    close(linearCka(a, b), c.expected.linearCKA, 'linearCKA');
    close(unbiasedLinearCka(a, b, c.batchSize), c.expected.linearCKAUnbiased, 'unbiased CKA');
    const cov = covariances(...ccaViews(a, b));
    close(svccaFromCov(cov), c.expected.svcca, 'SVCCA', 1e-7);
    close(pwccaFromCov(cov), c.expected.pwcca, 'PWCCA', 1e-7);
    close(procrustesDistance(a, b), c.expected.procrustes, 'Procrustes', 1e-8);
  });
}

test('similarityMeasures reports the same numbers and leaves CCA out when features outnumber observations', async () => {
  const dense = fixture.cases.find((c) => c.name === 'dense')!;
  const m = await similarityMeasures(tensor(dense.shapeA, dense.a), tensor(dense.shapeB, dense.b));
  close(m.linearCKA, dense.expected.linearCKA, 'linearCKA');
  close(m.svcca!, dense.expected.svcca, 'SVCCA', 1e-7);
  close(m.procrustes!, dense.expected.procrustes, 'Procrustes', 1e-8);
  assert.ok(m.ridgeExplained !== undefined && m.ridgeExplained > 0);
  const conv = fixture.cases.find((c) => c.name === 'conv')!;
  const c = await similarityMeasures(tensor(conv.shapeA, conv.a), tensor(conv.shapeB, conv.b));
  close(c.procrustes!, conv.expected.procrustes, 'Procrustes (conv, positions as observations)', 1e-8);
  close(
    c.linearCKAUnbiased!,
    unbiasedLinearCka(tensor(conv.shapeA, conv.a), tensor(conv.shapeB, conv.b)),
    'unbiased CKA from shared Grams',
  );
  const wide = fixture.cases.find((c) => c.name === 'wide')!;
  const w = await similarityMeasures(tensor(wide.shapeA, wide.a), tensor(wide.shapeB, wide.b));
  assert.equal(w.svcca, undefined);
  assert.equal(w.pwcca, undefined);
});

test('Procrustes through the Grams equals Procrustes through the cross-covariance', () => {
  const wide = fixture.cases.find((c) => c.name === 'wide')!;
  const [x, y] = ccaViews(tensor(wide.shapeA, wide.a), tensor(wide.shapeB, wide.b));
  close(
    procrustesFromGrams(gram(x), gram(y), x.rows),
    procrustesFromCov(covariances(x, y)),
    'Gram vs covariance route',
    1e-7,
  );
  close(procrustesFromCov(covariances(x, y)), wide.expected.procrustes, 'Procrustes', 1e-8);
});

test('ckaMatrix matches numpy for the biased and the minibatch unbiased estimator', async () => {
  const la = fixture.matrix.layersA.map((l) => tensor(l.shape, l.data));
  const lb = fixture.matrix.layersB.map((l) => tensor(l.shape, l.data));
  const biased = await ckaMatrix(la, lb, { estimator: 'biased' });
  const unbiased = await ckaMatrix(la, lb, { estimator: 'unbiased', batchSize: fixture.matrix.batchSize });
  for (let i = 0; i < la.length; i++) {
    for (let j = 0; j < lb.length; j++) {
      close(biased[i][j], fixture.matrix.linearCKA[i][j], `biased[${i}][${j}]`, 1e-6); // float32 vectors
      close(unbiased[i][j], fixture.matrix.linearCKAUnbiased[i][j], `unbiased[${i}][${j}]`, 1e-6);
    }
  }
});
