import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTfjsBackend, TfjsDisentanglerModel } from '../../../../src/engine/compute/tfjs-backend';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { createRng } from '../../../../src/engine/random';
import { randomProblem } from './problem';
import { naiveForward, naiveLoss } from './naive';

const base: DisentanglerSpec = {
  orders: 2,
  kernel: 3,
  channelsA: 3,
  channelsB: 2,
  height: 4,
  width: 5,
  alpha: 0.1,
  weightDecay: 0,
  hiddenScale: 'batch',
};
const n = 6;

for (const hiddenScale of ['batch', 'sample'] as const) {
  test(`tfjs backend (${hiddenScale}): Σ orders = g(x) = the loop-by-loop reference, and the loss matches`, async () => {
    const spec = { ...base, hiddenScale };
    const { x, y, params } = randomProblem(spec, n, 1);
    const model = await createTfjsBackend().create(spec, params);
    const comps = await model.components({ n, x });
    assert.equal(comps.length, spec.orders + 1);
    const g = naiveForward(spec, params, x, n);
    let maxErr = 0,
      maxAbs = 0;
    for (let j = 0; j < g.length; j++) {
      const sum = comps.reduce((acc, c) => acc + c[j], 0);
      maxErr = Math.max(maxErr, Math.abs(sum - g[j]));
      maxAbs = Math.max(maxAbs, Math.abs(g[j]));
    }
    assert.ok(maxErr < 1e-5 * Math.max(1, maxAbs), `max |Σ orders − g| = ${maxErr}`);
    const loss = await model.loss({ n, x, y });
    assert.ok(Math.abs(loss - naiveLoss(spec, params, x, y, n)) < 1e-5 * loss, `loss ${loss}`);
  });

  test(`tfjs backend (${hiddenScale}): autodiff gradients = finite differences with s(h) frozen`, async () => {
    const spec = { ...base, hiddenScale };
    const { x, y, params } = randomProblem(spec, n, 2);
    const model = (await createTfjsBackend().create(spec, params)) as TfjsDisentanglerModel;
    const { grads } = model.lossAndGradients({ n, x, y });
    const scales: Float64Array[] = [];
    naiveLoss(spec, params, x, y, n, scales); // records the stds, then frozen for the differences
    const all = [...params.weights.map((w) => Float64Array.from(w)), Float64Array.from(params.betas)];
    const f = () => naiveLoss(spec, { weights: all.slice(0, -1), betas: all[all.length - 1] }, x, y, n, scales);
    const rng = createRng(9);
    const h = 1e-5;
    all.forEach((arr, j) => {
      for (let t = 0; t < 6; t++) {
        const i = Math.floor(rng() * arr.length);
        const old = arr[i];
        arr[i] = old + h;
        const up = f();
        arr[i] = old - h;
        const down = f();
        arr[i] = old;
        const fd = (up - down) / (2 * h);
        assert.ok(
          Math.abs(fd - grads[j][i]) < 1e-3 * Math.max(1e-2, Math.abs(fd)),
          `param ${j}[${i}]: autodiff ${grads[j][i]} vs fd ${fd}`,
        );
      }
    });
  });
}

test('tfjs backend: training steps lower the loss', async () => {
  const spec = { ...base, weightDecay: 1e-4 };
  const { x, params } = randomProblem(spec, n, 3);
  const target = randomProblem(spec, n, 4);
  const y = Float32Array.from(naiveForward(spec, target.params, x, n));
  const model = await createTfjsBackend().create(spec, params);
  const first = await model.loss({ n, x, y });
  for (let s = 0; s < 30; s++) await model.trainStep({ n, x, y }, 0.02);
  const last = await model.loss({ n, x, y });
  assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
});

test('tfjs backend keeps training after a TF.js model ran on wasm in the same process (one global TF.js backend)', async () => {
  const { openModel } = await import('../../../../src/engine/models/index.js');
  const path = await import('node:path');
  const spec = { ...base, hiddenScale: 'batch' as const };
  const { x, y, params } = randomProblem(spec, n, 3);
  const model = await createTfjsBackend().create(spec, params);
  const before = await model.trainStep({ n, x, y }, 1e-3);
  // A TF.js layers sample runs on the wasm backend, which lacks Conv2DBackpropFilter.
  const sample = await openModel(
    path.join(__dirname, '..', '..', '..', '..', 'samples', 'mnist-cnn-seed1', 'tfjs', 'model.json'),
  );
  try {
    await sample.extract([{ shape: [2, 28, 28, 1], data: new Float32Array(2 * 28 * 28) }], ['relu1'], {
      write: () => undefined,
    });
  } finally {
    await sample.dispose();
  }
  const after = await model.trainStep({ n, x, y }, 1e-3);
  assert.ok(Number.isFinite(before) && Number.isFinite(after));
  const fresh = await createTfjsBackend().create(spec, params);
  assert.ok(Number.isFinite(await fresh.trainStep({ n, x, y }, 1e-3)));
});
