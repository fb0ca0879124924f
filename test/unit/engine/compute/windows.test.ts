/**
 * Windows with their halo compute exactly what the whole map computes: tiles covering two maps, in one batch, give
 * the whole maps' loss, gradients and components (s(h) then runs over the same positions), on ORT and TF.js alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightShapes } from '../../../../src/engine/compute/onnx-graph';
import { createOrtModel } from '../../../../src/engine/compute/ort-backend';
import { createTfjsBackend, type TfjsDisentanglerModel } from '../../../../src/engine/compute/tfjs-backend';
import type { Batch, DisentanglerSpec } from '../../../../src/engine/compute/types';
import { gatherWindows, windowMasks } from '../../../../src/engine/disentangler/gather';
import type { Affine } from '../../../../src/engine/disentangler/normalize';
import { tiles, type Geometry } from '../../../../src/engine/disentangler/windows';
import { createRng, randn } from '../../../../src/engine/random';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { relativeError } from './helpers';

const [N, H, W, CA, CB] = [2, 10, 9, 3, 2];
const rng = createRng(7);
const tensor = (c: number): FeatureTensor => ({
  shape: [N, H, W, c],
  data: Float32Array.from({ length: N * H * W * c }, () => randn(rng)),
});
const identity = (c: number): Affine => ({
  shift: new Float64Array(c),
  scale: new Float64Array(c).fill(1),
  perSample: false,
});
const a = tensor(CA),
  b = tensor(CB);
const base = { orders: 2, kernel: 3, channelsA: CA, channelsB: CB, alpha: 0.1, weightDecay: 0 } as const;
const wholeSpec: DisentanglerSpec = { ...base, height: H, width: W, hiddenScale: 'batch' };
// 4×4 blocks with the halo of K + 1 = 3 convolutions: 10×10 windows, 3 × 3 tiles per map (edge tiles clipped).
const g: Geometry = {
  rows: { size: H, side: 4, halo: 3, span: 10 },
  cols: { size: W, side: 4, halo: 3, span: 10 },
  windowed: true,
};
const windowSpec: DisentanglerSpec = { ...wholeSpec, height: 10, width: 10, masked: true };
const samples = Int32Array.from({ length: N }, (_, i) => i);
const windows = tiles(samples, g, Infinity);
const whole: Geometry = {
  rows: { size: H, side: H, halo: 0, span: H },
  cols: { size: W, side: W, halo: 0, span: W },
  windowed: false,
};
const wholeWindows = tiles(samples, whole, 1);
const wholeBatch: Batch = {
  n: N,
  x: gatherWindows(a, identity(CA), wholeWindows, whole, 'nchw'),
  y: gatherWindows(b, identity(CB), wholeWindows, whole, 'nchw'),
};
const windowBatch: Batch = {
  n: windows.length,
  x: gatherWindows(a, identity(CA), windows, g, 'nchw'),
  y: gatherWindows(b, identity(CB), windows, g, 'nchw'),
  ...windowMasks(windows, g),
};
const init = {
  weights: weightShapes(wholeSpec).map((s) =>
    Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => 0.3 * randn(rng)),
  ),
  betas: Float32Array.of(0.4, -0.3),
};

describe('windows with their halo = the whole map', () => {
  it('tiles: 9 per map, counted blocks cover every position once', () => {
    assert.equal(windows.length, 18);
    const counted = windowBatch.counted as Float32Array;
    assert.equal(
      counted.reduce((s, v) => s + v, 0),
      N * H * W,
    );
    const inside = windowBatch.inside as Float32Array;
    assert.ok(inside.every((v, i) => v >= counted[i]));
  });

  it('ORT: same loss, gradients and components', async () => {
    const wholeModel = await createOrtModel(wholeSpec, init);
    const windowModel = await createOrtModel(windowSpec, init);
    const expected = await wholeModel.gradients(wholeBatch);
    const actual = await windowModel.gradients(windowBatch);
    assert.ok(Math.abs(actual.loss - expected.loss) < 1e-5 * expected.loss, `loss ${actual.loss} vs ${expected.loss}`);
    actual.grads.forEach((grad, i) => {
      const err = relativeError(grad, expected.grads[i]);
      assert.ok(err < 1e-4, `gradient ${i}: relative error ${err.toExponential(2)}`);
    });
    const wholeComps = await wholeModel.components(wholeBatch);
    const windowComps = await windowModel.components(windowBatch);
    let worst = 0;
    windows.forEach((w, j) => {
      for (let r = 3; r < 7; r++)
        for (let q = 3; q < 7; q++) {
          const [y, x] = [w.top + r - 3, w.left + q - 3];
          if (y >= H || x >= W) continue;
          for (let k = 0; k < 3; k++)
            for (let c = 0; c < CB; c++) {
              const got = windowComps[k][((j * CB + c) * 10 + r) * 10 + q];
              const want = wholeComps[k][((w.sample * CB + c) * H + y) * W + x];
              worst = Math.max(worst, Math.abs(got - want));
            }
        }
    });
    assert.ok(worst < 1e-4, `components differ by ${worst}`);
    await Promise.all([wholeModel.dispose(), windowModel.dispose()]);
  });

  it('TF.js autodiff: the masked loss and gradients match ORT', async () => {
    const ort = await createOrtModel(windowSpec, init);
    const ours = await ort.gradients(windowBatch);
    await ort.dispose();
    const reference = ((await createTfjsBackend().create(windowSpec, init)) as TfjsDisentanglerModel).lossAndGradients(
      windowBatch,
    );
    assert.ok(Math.abs(ours.loss - reference.loss) <= 1e-5 * reference.loss);
    ours.grads.forEach((grad, i) => {
      const err = relativeError(grad, reference.grads[i]);
      assert.ok(err < 1e-4, `gradient ${i}: relative error ${err.toExponential(2)}`);
    });
  });
});
