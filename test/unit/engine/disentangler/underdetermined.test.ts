/** A dense explaining layer with fewer fit samples than varying channels is flagged (issue 13, item 5). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { createRng } from '../../../../src/engine/random';
import { addNoise, conv, gaussian, randomWeights } from './planted';

async function run(channels: number) {
  const rng = createRng(channels);
  const a = gaussian([64, 1, 1, channels], rng);
  const b = addNoise(conv(a, randomWeights(4, channels, 1, rng), 4, 1), 0.2, rng);
  return disentangle(a, b, resolveSettings({ epochs: 2 }), { layerA: 'pool', layerB: 'fc', direction: 'A->B' });
}

test('64 probes: 100 dense channels (43 fit samples) are flagged with the counts, 8 are not', async () => {
  const wide = await run(100);
  const fit = wide.training.samples!.fit;
  assert.equal(fit, 43);
  const flagged = (wide.warnings ?? []).filter((w) => w.includes('underdetermined'));
  assert.deepEqual(flagged, [
    `pool ↔ fc A->B: layer A "pool": 43 fit samples for 100 varying channels (dense): the linear map is underdetermined, so it is regularised by ridge shrinkage chosen on the validation set; read the explained fraction as a lower bound with its interval, and give at least 150 probes for a well-determined fit`,
  ]);
  assert.ok(wide.explainedInterval![1] - wide.explainedInterval![0] > 0, 'an interval comes with it');
  const narrow = await run(8);
  assert.ok(!(narrow.warnings ?? []).some((w) => w.includes('underdetermined')), narrow.warnings?.join('\n'));
});
