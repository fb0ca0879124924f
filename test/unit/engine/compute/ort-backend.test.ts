/** The ORT TrainingBackend as the method code uses it: Adam steps, parameter round trips, bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightShapes } from '../../../../src/engine/compute/onnx-graph';
import { createOrtBackend, createOrtModel } from '../../../../src/engine/compute/ort-backend';
import type { DisentanglerParams, DisentanglerSpec } from '../../../../src/engine/compute/types';
import { KcError } from '../../../../src/engine/errors';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function randomArray(n: number, next: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => next() * scale);
}

const spec: DisentanglerSpec = {
  orders: 2,
  kernel: 3,
  channelsA: 6,
  channelsB: 4,
  height: 5,
  width: 5,
  alpha: 0.1,
  weightDecay: 1e-4,
  hiddenScale: 'sample',
};

function initParams(s: DisentanglerSpec, next: () => number): DisentanglerParams {
  return {
    weights: weightShapes(s).map((shape) =>
      randomArray(
        shape.reduce((a, b) => a * b, 1),
        next,
        0.3,
      ),
    ),
    betas: new Float32Array(s.orders),
  };
}

/** A target the network can fit: y is a fixed random linear 3×3 conv of x plus a ReLU branch (computed by the model itself). */
async function plantedBatch(next: () => number, n: number): Promise<{ n: number; x: Float32Array; y: Float32Array }> {
  const x = randomArray(n * spec.channelsA * 25, next, 2);
  const teacher = await createOrtModel(spec, initParams(spec, next));
  const parts = await teacher.components({ n, x });
  await teacher.dispose();
  const y = new Float32Array(parts[0].length);
  for (const p of parts) p.forEach((v, i) => (y[i] += v));
  return { n, x, y };
}

describe('ORT training backend', () => {
  it('names what ran', async () => {
    const backend = await createOrtBackend();
    assert.equal(backend.info.name, 'onnxruntime-node');
    assert.match(backend.info.version, /^\d+\.\d+/);
    assert.ok(['cpu', 'cuda'].includes(backend.info.device));
    assert.ok(backend.info.threads >= 1);
  });

  it('one Adam step moves every parameter by the bias-corrected Adam update (L2 weight decay on the weights)', async () => {
    const next = rng(7);
    const init = initParams(spec, next);
    init.betas = Float32Array.from([0.3, -0.2]);
    const model = await createOrtModel(spec, init);
    const batch = await plantedBatch(next, 3);
    const { grads } = await model.gradients(batch);
    const lr = 1e-3;
    await model.trainStep(batch, lr);
    const after = model.getParams();
    const before = [...init.weights, init.betas];
    [...after.weights, after.betas].forEach((p, i) => {
      for (let j = 0; j < p.length; j++) {
        const g = grads[i][j] + (i < init.weights.length ? spec.weightDecay : 0) * before[i][j];
        // first step: m̂ = g, v̂ = g², so the update is lr · g / (|g| + ε)
        const expected = before[i][j] - (lr * g) / (Math.abs(g) + 1e-8);
        assert.ok(Math.abs(p[j] - expected) < 1e-6, `param ${i}[${j}]: ${p[j]} vs ${expected}`);
      }
    });
    await model.dispose();
  });

  it('a few Adam steps reduce the loss on a learnable target', async () => {
    const next = rng(11);
    const batch = await plantedBatch(next, 8);
    const model = await createOrtModel(spec, initParams(spec, next));
    const first = await model.loss(batch);
    for (let i = 0; i < 30; i++) await model.trainStep(batch, 1e-2);
    const last = await model.loss(batch);
    await model.dispose();
    assert.ok(Number.isFinite(first) && Number.isFinite(last));
    assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
  });

  it('one model serves batches of different sizes (the last batch of an epoch is smaller)', async () => {
    const next = rng(13);
    const model = await createOrtModel(spec, initParams(spec, next));
    const big = await plantedBatch(next, 5);
    const small = { n: 2, x: big.x.subarray(0, 2 * 6 * 25), y: big.y.subarray(0, 2 * 4 * 25) };
    const [a, b] = [await model.loss(small), await model.loss(big)];
    assert.equal(await model.loss(small), a);
    assert.ok(Number.isFinite(b) && a !== b);
    assert.equal((await model.components(small))[0].length, 2 * 4 * 25);
    await model.dispose();
  });

  it('getParams/setParams round-trip and copy', async () => {
    const init = initParams(spec, rng(3));
    const model = await createOrtModel(spec, init);
    const params = model.getParams();
    params.weights[0][0] += 1;
    assert.notEqual(model.getParams().weights[0][0], params.weights[0][0]);
    model.setParams(params);
    assert.equal(model.getParams().weights[0][0], params.weights[0][0]);
    await model.dispose();
  });

  it('a zero-variance hidden channel gives finite loss and gradients', async () => {
    const init = initParams(spec, rng(5));
    init.weights[0].fill(0); // h_0 ≡ 0: s(h_0) would be 0 without the epsilon
    const model = await createOrtModel(spec, init);
    const next = rng(6);
    const { loss, grads } = await model.gradients({
      n: 2,
      x: randomArray(2 * 6 * 25, next),
      y: randomArray(2 * 4 * 25, next),
    });
    await model.dispose();
    assert.ok(Number.isFinite(loss));
    for (const g of grads) assert.ok(g.every(Number.isFinite));
  });

  it('rejects wrong shapes with a KcError naming the tensor', async () => {
    const model = await createOrtModel(spec, initParams(spec, rng(1)));
    await assert.rejects(
      model.trainStep({ n: 2, x: new Float32Array(10), y: new Float32Array(2 * 4 * 25) }, 1e-3),
      (e: unknown) => e instanceof KcError && /x has 10 values/.test(e.message),
    );
    await assert.rejects(
      model.loss({ n: 2, x: new Float32Array(2 * 6 * 25) }),
      (e: unknown) => e instanceof KcError && /target y/.test(e.message),
    );
    assert.throws(() => model.setParams({ weights: [new Float32Array(3)], betas: new Float32Array(2) }), KcError);
    await model.dispose();
    await assert.rejects(createOrtModel({ ...spec, kernel: 5 as 3 }, initParams(spec, rng(1))), KcError);
  });
});
