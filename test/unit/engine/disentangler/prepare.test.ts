/** Settings, resampling and normalisation: the data preparation before any fit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KcError } from '../../../../src/engine/errors';
import { gatherWindows } from '../../../../src/engine/disentangler/gather';
import { normalizeSource, scaleTarget, type Affine } from '../../../../src/engine/disentangler/normalize';
import { resampleTo } from '../../../../src/engine/disentangler/resample';
import { PRESETS, resolveSettings } from '../../../../src/engine/disentangler/settings';
import type { FeatureTensor } from '../../../../src/engine/tensor';

test('resolveSettings: preset schedule, explicit values win, undefined ignored, bad values rejected', () => {
  const fast = resolveSettings();
  assert.equal(fast.preset, 'fast');
  assert.deepEqual(
    [fast.orders, fast.alpha, fast.normalize, fast.kernel, fast.testFraction, fast.seeds],
    [2, 0.1, 'dataset', 3, 0.2, 1],
  );
  assert.equal(fast.epochs, PRESETS.fast.epochs);
  const thorough = resolveSettings({ preset: 'thorough', epochs: 7, alpha: undefined });
  assert.deepEqual(
    [thorough.epochs, thorough.alpha, thorough.patience, thorough.learningRate.end],
    [7, 0.1, PRESETS.thorough.patience, 1e-6],
  );
  assert.throws(() => resolveSettings({ kernel: 5 as 3 }), KcError);
  assert.throws(() => resolveSettings({ orders: -1 }), KcError);
  assert.throws(() => resolveSettings({ testFraction: 0 }), KcError);
  assert.throws(() => resolveSettings({ epochs: 0 }), /epochs must be an integer ≥ 1/);
  assert.throws(() => resolveSettings({ preset: 'slow' as 'fast' }), /unknown preset/);
});

const tensor = (shape: [number, number, number, number], f: (i: number) => number): FeatureTensor => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
});

/** Every sample of t under the affine map, NHWC: what a fit's batches are gathered from. */
const applied = (t: FeatureTensor, affine: Affine): Float32Array => {
  const [n, h, w] = t.shape;
  const axis = (size: number) => ({ size, side: size, halo: 0, span: size });
  const windows = Array.from({ length: n }, (_, sample) => ({ sample, top: 0, left: 0 }));
  return gatherWindows(t, affine, windows, { rows: axis(h), cols: axis(w), windowed: false }, 'nhwc');
};

test('resampleTo: 2×2 average pool for integer factors, bilinear otherwise, untouched when equal', () => {
  const t = tensor([1, 4, 4, 2], (i) => i); // value = ((y·4 + x)·2 + c)
  const pooled = resampleTo(t, 2, 2);
  assert.equal(pooled.how, '4×4 → 2×2 (average pool)');
  // top-left 2×2 block of channel 0: positions (0,0),(0,1),(1,0),(1,1) → values 0, 2, 8, 10
  assert.equal(pooled.tensor.data[0], 5);
  assert.equal(pooled.tensor.data[1], 6);
  const up = resampleTo(
    tensor([1, 2, 2, 1], (i) => i),
    4,
    4,
  );
  assert.equal(up.how, '2×2 → 4×4 (bilinear)');
  assert.deepEqual(Array.from(up.tensor.data.slice(0, 4)), [0, 0.25, 0.75, 1]);
  const odd = resampleTo(
    tensor([1, 5, 5, 1], () => 3),
    3,
    3,
  );
  assert.match(odd.how!, /bilinear/);
  assert.ok(
    odd.tensor.data.every((v) => Math.abs(v - 3) < 1e-6),
    'a constant map stays constant',
  );
  assert.equal(resampleTo(t, 4, 4).tensor, t);
});

test('normalizeSource: dataset mode standardises per channel; per-sample divides each map by its own std', () => {
  const all = Int32Array.from({ length: 4 }, (_, i) => i);
  // channel 0 varies, channel 1 is constant 7 (dead)
  const t = tensor([4, 2, 2, 2], (i) => (i % 2 === 0 ? (i >> 1) * (1 + (i >> 3)) : 7));
  const d = applied(t, normalizeSource(t, all, 'dataset').affine);
  const ch0 = Array.from(d).filter((_, i) => i % 2 === 0);
  const mean = ch0.reduce((a, v) => a + v, 0) / ch0.length;
  const std = Math.sqrt(ch0.reduce((a, v) => a + (v - mean) ** 2, 0) / ch0.length);
  assert.ok(Math.abs(mean) < 1e-6 && Math.abs(std - 1) < 1e-5, `mean ${mean}, std ${std}`);
  assert.ok(
    Array.from(d)
      .filter((_, i) => i % 2 === 1)
      .every((v) => v === 0),
    'a constant channel becomes zeros',
  );
  const p = applied(t, normalizeSource(t, all, 'per-sample').affine);
  assert.ok(p.every(Number.isFinite));
  // Each sample's channel-0 map now has spatial std 1 (per-sample gains removed).
  for (let s = 0; s < 4; s++) {
    const v = [0, 1, 2, 3].map((q) => p[(s * 4 + q) * 2]);
    const m = v.reduce((a, x) => a + x, 0) / 4;
    assert.ok(Math.abs(Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / 4) - 1) < 1e-5);
  }
  // Dense features (H = W = 1) have no spatial std: per-sample falls back to the channel's dataset std.
  const dense = tensor([6, 1, 1, 1], (i) => i + 1);
  assert.ok(
    applied(
      dense,
      normalizeSource(
        dense,
        Int32Array.from({ length: 6 }, (_, i) => i),
        'per-sample',
      ).affine,
    ).every(Number.isFinite),
  );
});

test('scaleTarget: centred per channel, unit overall std, recoverable; constant B rejected', () => {
  const t = tensor([5, 1, 1, 2], (i) => (i % 2 ? 100 + 3 * i : -i));
  const all = Int32Array.from({ length: 5 }, (_, i) => i);
  const s = scaleTarget(t, all, 'layer B');
  const data = applied(t, s.affine);
  const meanSq = data.reduce((a, v) => a + v * v, 0) / data.length;
  assert.ok(Math.abs(meanSq - 1) < 1e-5);
  data.forEach((v, i) => assert.ok(Math.abs(v * s.scale + s.mean[i % 2] - t.data[i]) < 1e-3));
  assert.throws(
    () =>
      scaleTarget(
        tensor([5, 1, 1, 2], () => 4),
        all,
        'layer B',
      ),
    /layer B is constant/,
  );
});
