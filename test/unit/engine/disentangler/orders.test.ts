/** Group 5: the order components sum to g exactly, and the ORT backend's hand-derived gradients match TF.js autodiff. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOrtModel } from '../../../../src/engine/compute/ort-backend';
import { createTfjsBackend, TfjsDisentanglerModel } from '../../../../src/engine/compute/tfjs-backend';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { randomProblem } from './problem';
import { naiveForward } from './naive';

const n = 8;
const specs: DisentanglerSpec[] = [
  {
    orders: 2,
    kernel: 3,
    channelsA: 3,
    channelsB: 4,
    height: 5,
    width: 4,
    alpha: 0.1,
    weightDecay: 1e-4,
    hiddenScale: 'batch',
  },
  {
    orders: 2,
    kernel: 3,
    channelsA: 4,
    channelsB: 2,
    height: 4,
    width: 4,
    alpha: 0.1,
    weightDecay: 1e-4,
    hiddenScale: 'sample',
  },
  {
    orders: 3,
    kernel: 1,
    channelsA: 3,
    channelsB: 3,
    height: 1,
    width: 1,
    alpha: 0.5,
    weightDecay: 0,
    hiddenScale: 'sample',
  },
  {
    orders: 0,
    kernel: 3,
    channelsA: 2,
    channelsB: 3,
    height: 3,
    width: 3,
    alpha: 0.1,
    weightDecay: 1e-4,
    hiddenScale: 'batch',
  },
];

const label = (s: DisentanglerSpec) =>
  `K=${s.orders} ${s.kernel}×${s.kernel} C ${s.channelsA}→${s.channelsB} ${s.height}×${s.width} ${s.hiddenScale}`;

for (const spec of specs) {
  test(`ORT backend (${label(spec)}): Σ orders = g(x̃) to float precision`, async () => {
    const { x, params } = randomProblem(spec, n, 1);
    const model = await createOrtModel(spec, params);
    const comps = await model.components({ n, x });
    const g = naiveForward(spec, params, x, n);
    let err = 0,
      scale = 0;
    for (let j = 0; j < g.length; j++) {
      err = Math.max(err, Math.abs(comps.reduce((acc, c) => acc + c[j], 0) - g[j]));
      scale = Math.max(scale, Math.abs(g[j]));
    }
    assert.ok(err <= 1e-5 * scale, `max |Σ orders − g| = ${err} (max |g| ${scale})`);
    await model.dispose();
  });

  test(`ORT gradients = TF.js autodiff (${label(spec)}), and 5 Adam steps agree`, async () => {
    const { x, y, params } = randomProblem(spec, n, 2);
    const ort = await createOrtModel(spec, params);
    const tfjs = (await createTfjsBackend().create(spec, params)) as TfjsDisentanglerModel;
    const a = await ort.gradients({ n, x, y });
    const b = tfjs.lossAndGradients({ n, x, y });
    assert.ok(Math.abs(a.loss - b.loss) <= 1e-5 * b.loss, `loss ORT ${a.loss} vs TF.js ${b.loss}`);
    const expected = spec.orders > 0 ? b.grads : b.grads.slice(0, -1);
    assert.equal(a.grads.length, expected.length);
    expected.forEach((g, j) => {
      const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
      const diff = Math.sqrt(g.reduce((s, v, i) => s + (v - a.grads[j][i]) ** 2, 0));
      assert.ok(diff <= 1e-4 * Math.max(norm, 1e-6), `gradient ${j}: |ORT − TF.js| = ${diff}, |TF.js| = ${norm}`);
    });
    for (let s = 0; s < 5; s++) {
      const la = await ort.trainStep({ n, x, y }, 1e-2),
        lb = await tfjs.trainStep({ n, x, y }, 1e-2);
      assert.ok(Math.abs(la - lb) <= 1e-4 * lb, `step ${s}: loss ORT ${la} vs TF.js ${lb}`);
    }
    const pa = ort.getParams(),
      pb = tfjs.getParams();
    pa.weights.forEach((w, j) =>
      w.forEach((v, i) => assert.ok(Math.abs(v - pb.weights[j][i]) < 1e-4, `W${j}[${i}] ${v} vs ${pb.weights[j][i]}`)),
    );
    pa.betas.forEach((v, i) => assert.ok(Math.abs(v - pb.betas[i]) < 1e-4, `β${i} ${v} vs ${pb.betas[i]}`));
    await ort.dispose();
  });
}
