/** The hand-derived ORT gradients against the TF.js autodiff reference backend (DISENTANGLER's), same inputs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightShapes } from '../../../../src/engine/compute/onnx-graph';
import { createOrtModel } from '../../../../src/engine/compute/ort-backend';
import { createTfjsBackend, type TfjsDisentanglerModel } from '../../../../src/engine/compute/tfjs-backend';
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { relativeError } from './helpers';

function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  return Float32Array.from(
    { length: n },
    () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2 * scale,
  );
}

const base = { alpha: 0.1, weightDecay: 1e-4 };
const specs: DisentanglerSpec[] = [
  { ...base, orders: 2, kernel: 3, channelsA: 6, channelsB: 4, height: 5, width: 4, hiddenScale: 'batch' },
  { ...base, orders: 2, kernel: 3, channelsA: 6, channelsB: 4, height: 5, width: 4, hiddenScale: 'sample' },
  { ...base, orders: 3, kernel: 1, channelsA: 3, channelsB: 7, height: 4, width: 4, hiddenScale: 'sample' },
];

describe('ORT gradients vs TF.js autodiff', () => {
  for (const spec of specs) {
    it(`K=${spec.orders} k=${spec.kernel} C_A=${spec.channelsA} C_B=${spec.channelsB} ${spec.hiddenScale}`, async () => {
      const init = {
        weights: weightShapes(spec).map((s, i) =>
          random(
            s.reduce((a, b) => a * b, 1),
            10 + i,
            0.4,
          ),
        ),
        betas: random(spec.orders, 3, 0.5),
      };
      const n = 3;
      const pixels = spec.height * spec.width;
      const batch = { n, x: random(n * spec.channelsA * pixels, 1), y: random(n * spec.channelsB * pixels, 2) };
      const ort = await createOrtModel(spec, init);
      const ours = await ort.gradients(batch);
      await ort.dispose();
      const reference = ((await createTfjsBackend().create(spec, init)) as TfjsDisentanglerModel).lossAndGradients(
        batch,
      );
      assert.ok(
        Math.abs(ours.loss - reference.loss) <= 1e-5 * reference.loss,
        `loss ${ours.loss} vs ${reference.loss}`,
      );
      assert.equal(ours.grads.length, reference.grads.length);
      ours.grads.forEach((g, i) => {
        const err = relativeError(g, reference.grads[i]);
        assert.ok(err < 1e-4, `gradient ${i}: relative error ${err.toExponential(2)}`);
      });
    });
  }
});
