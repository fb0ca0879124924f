/**
 * The hand-derived ONNX training graph against PyTorch autograd (float64), from the committed fixture written
 * by test/fixtures/compute/make_grad_fixture.py: loss, every dW_i and dβ, and the order components.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createOrtModel } from '../../../../src/engine/compute/ort-backend';
import type { WeightGradientStrategy } from '../../../../src/engine/compute/onnx-graph';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { relativeError } from './helpers';

interface FixtureCase {
  name: string;
  spec: DisentanglerSpec;
  n: number;
  x: number[];
  y: number[];
  weights: number[][];
  betas: number[];
  loss: number;
  gradWeights: number[][];
  gradBetas: number[];
  g: number[];
  components: number[][];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/compute/grad_fixture.json'), 'utf8')) as {
  cases: FixtureCase[];
};

async function gradientsOf(
  c: FixtureCase,
  weightGradient: WeightGradientStrategy,
): Promise<{ loss: number; grads: Float32Array[] }> {
  const model = await createOrtModel(
    c.spec,
    { weights: c.weights.map((w) => Float32Array.from(w)), betas: Float32Array.from(c.betas) },
    { weightGradient },
  );
  try {
    return await model.gradients({ n: c.n, x: Float32Array.from(c.x), y: Float32Array.from(c.y) });
  } finally {
    await model.dispose();
  }
}

describe('ORT training graph vs PyTorch autograd', () => {
  for (const c of fixture.cases) {
    for (const strategy of ['im2col', 'per-tap'] as const) {
      it(`${c.name}: loss and gradients (dW ${strategy})`, async () => {
        const { loss, grads } = await gradientsOf(c, strategy);
        assert.ok(Math.abs(loss - c.loss) <= 1e-5 * Math.abs(c.loss), `loss ${loss} vs ${c.loss}`);
        const expected = [...c.gradWeights, ...(c.spec.orders > 0 ? [c.gradBetas] : [])];
        assert.equal(grads.length, expected.length);
        grads.forEach((g, i) => {
          const err = relativeError(g, expected[i]);
          assert.ok(
            err < 1e-4,
            `gradient ${i < c.weights.length ? `W${i}` : 'beta'}: relative error ${err.toExponential(2)}`,
          );
        });
      });
    }
  }
});

describe('ORT components graph', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: components match autograd's and sum to g`, async () => {
      const model = await createOrtModel(c.spec, {
        weights: c.weights.map((w) => Float32Array.from(w)),
        betas: Float32Array.from(c.betas),
      });
      const components = await model.components({ n: c.n, x: Float32Array.from(c.x) });
      await model.dispose();
      assert.equal(components.length, c.spec.orders + 1);
      components.forEach((comp, j) => {
        const err = relativeError(comp, c.components[j]);
        assert.ok(err < 1e-5, `order ${j}: relative error ${err.toExponential(2)}`);
      });
      const sum = new Float64Array(c.g.length);
      for (const comp of components) comp.forEach((v, i) => (sum[i] += v));
      const err = relativeError(sum, c.g);
      assert.ok(err < 1e-5, `Σ components vs g: relative error ${err.toExponential(2)}`);
    });
  }
});
