/**
 * Saturating units (ReLU6, hard-sigmoid): channels pinned at their ceiling on the training split that come off it on
 * a couple of held-out samples. A self-comparison must stay ≈ 1, for the disentangler and for the ridge baseline:
 * channels whose training std is below the layer's floor are left out of the input, so the held-out samples where
 * they move cannot blow it up (divided by their training std, ~1e-5 of the layer's, they read −8·10⁶).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { createRng } from '../../../../src/engine/random';
import { splitIndices } from '../../../../src/engine/split';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { relu, smoothFeatures } from './planted';

const N = 64,
  H = 4,
  C = 32;
const SATURATED = [2, 7, 11];
const CEILING = 6;

/** ReLU6-like features: the SATURATED channels sit at 6 on every training sample (a 1e-4 dip on one, so their
 * training std is tiny but not 0) and drop to ordinary activation levels on two held-out samples. */
function saturatedLayer(seed: number): FeatureTensor {
  const base = relu(smoothFeatures([N, H, H, C], seed));
  const data = base.data.map((v) => Math.min(v, CEILING));
  const at = (sample: number, position: number, ch: number) => (sample * H * H + position) * C + ch;
  const { train, test } = splitIndices(N, 0.2, seed);
  const rng = createRng(seed + 100);
  for (let s = 0; s < N; s++) for (let p = 0; p < H * H; p++) for (const ch of SATURATED) data[at(s, p, ch)] = CEILING;
  for (const ch of SATURATED) data[at(train[0], 0, ch)] = CEILING - 1e-4;
  // Off the ceiling at a few positions of two held-out samples, by as much as the other channels vary there.
  for (const s of [test[0], test[test.length - 1]]) {
    for (const p of [5, 6, 9]) for (const ch of SATURATED) data[at(s, p, ch)] = CEILING - rng();
  }
  return { shape: base.shape, data };
}

test('a layer whose saturated channels move only on held-out samples, compared with itself → explained ≥ 0.98, channels named', async (t) => {
  const seed = 0;
  const layer = saturatedLayer(seed);
  const settings = resolveSettings({ seed });
  const r = await disentangle(layer, layer, settings, { layerA: 'relu6', layerB: 'relu6', direction: 'A->B' });
  t.diagnostic(
    `explained ${r.explained.toFixed(4)}, order 0 ${r.orders[0].fraction.toFixed(4)}, ridge ${r.similarity.ridgeExplained?.toFixed(4)}, ` +
      `held-out loss ${r.training.heldOutLoss?.toExponential(2)} vs validation ${r.training.validationLoss?.toExponential(2)}`,
  );
  assert.ok(r.explained >= 0.98, `explained ${r.explained}`);
  assert.ok(r.similarity.ridgeExplained! >= 0.98, `ridge ${r.similarity.ridgeExplained}`);
  const warning = r.warnings?.find((w) => /barely vary on the training split/.test(w));
  assert.ok(warning, `warnings: ${r.warnings}`);
  assert.match(warning, new RegExp(`3 of ${C} channels .*: ${SATURATED.join(', ')}\\)`));
});
