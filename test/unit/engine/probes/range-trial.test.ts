/**
 * A model whose graph does not say which pixel range it expects gets a short trial: when most channels of its
 * deepest probe point are dead at [0, 1] and alive at 0..255, it is fed 0..255 and the report says why; a model that
 * works at [0, 1], or a range the user gave, is left alone. The warning after extraction names the range fed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { inputTarget } from '../../../../src/engine/compare/model-ref';
import { openModel } from '../../../../src/engine/models/index';
import { deadChannelsWarning } from '../../../../src/engine/probes/dead';
import { openProbe, probeInputs } from '../../../../src/engine/probes/index';
import { trialInputRange } from '../../../../src/engine/probes/range-trial';
import { featureTensor } from '../../../../src/engine/tensor';
import { foldedScaleModel } from './input-models';

const work = mkdtempSync(path.join(tmpdir(), 'kc-range-trial-'));
after(() => rmSync(work, { recursive: true, force: true }));
const SEED1 = path.join(__dirname, '../../../../samples/mnist-cnn-seed1/model.onnx');

describe('input range trial', () => {
  it('a model dead at [0, 1] and alive at 0..255 is fed 0..255, with the trial as its reason', async () => {
    const model = await openModel(foldedScaleModel(work));
    try {
      const probe = await openProbe({ source: 'mnist', count: 40 }, inputTarget(model));
      assert.equal(model.input?.range, undefined, 'nothing in the graph says the range');
      const found = await trialInputRange(model, probe, model.layers(), undefined);
      assert.match(
        found ?? '',
        /relu on 16 probes: 8 of 8 channels constant at 0\.\.1, 0 at 0\.\.255; feeding 0\.\.255/,
      );
      const [input] = probeInputs(probe, [{ model: 'A', target: inputTarget(model) }]);
      assert.deepEqual(input.range, [0, 255]);
      assert.equal(input.rangeSource, 'model');
      assert.match(input.rangeReason ?? '', /a trial run found relu on 16 probes/);
      // the same file opened again (a self-comparison, the next compare in the worker): no second trial
      const again = await openModel(foldedScaleModel(work));
      let runs = 0;
      const extract = again.extract.bind(again);
      again.extract = (...args) => (runs++, extract(...args));
      try {
        assert.equal(await trialInputRange(again, probe, again.layers(), undefined), found);
        assert.deepEqual([again.input?.range, runs], [[0, 255], 0]);
      } finally {
        await again.dispose();
      }
    } finally {
      await model.dispose();
    }
  });

  it('a range the user gave is not tried, and a model alive at [0, 1] keeps it', async () => {
    const folded = await openModel(foldedScaleModel(work));
    const seed1 = await openModel(SEED1);
    try {
      const probe = await openProbe({ source: 'mnist', count: 40 }, inputTarget(folded));
      assert.equal(await trialInputRange(folded, probe, folded.layers(), { range: [0, 1] }), undefined);
      assert.equal(folded.input?.range, undefined);
      assert.equal(await trialInputRange(seed1, probe, seed1.layers(), undefined), undefined);
      assert.equal(seed1.input?.range, undefined);
    } finally {
      await folded.dispose();
      await seed1.dispose();
    }
  });

  it('a late layer with most channels constant is warned about, naming the range fed and --input-range', () => {
    // 10 samples × 4 channels: channels 0–2 constant, 3 varies
    const data = new Float32Array(40);
    for (let i = 0; i < 10; i++) data[i * 4 + 3] = i;
    const features = featureTensor([10, 1, 1, 4], data);
    const input = { model: 'A', dtype: 'float32', size: [224, 224], sizeSource: 'model' as const };
    const warning = deadChannelsWarning('A', 'late', features, { ...input, range: [0, 1], rangeSource: 'default' });
    assert.match(
      warning ?? '',
      /^model A: 3 of 4 channels of late are constant on the probes \(dead\).*fed pixels in 0\.\.1.*--input-range 0,255/,
    );
    data[0 * 4 + 0] = 5; // two of four dead: not most
    data[1 * 4 + 1] = 5;
    assert.equal(deadChannelsWarning('A', 'late', featureTensor([10, 1, 1, 4], data), undefined), undefined);
  });
});
