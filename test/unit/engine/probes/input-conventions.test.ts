/**
 * Input conventions are read from the model and stated: an integer input is fed whole pixels 0..255, a model that
 * divides by 255 itself is fed 0..255, a range in the metadata is used, and a model that takes any size is fed one
 * that its strides divide (the probe's size rounded to a multiple of 32, or --input-size), never onnxruntime's
 * broadcast error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { inputTarget } from '../../../../src/engine/compare/model-ref';
import { openModel } from '../../../../src/engine/models/index';
import type { ModelAdapter } from '../../../../src/engine/models/types';
import { fitProbe, openProbe, probeInputs } from '../../../../src/engine/probes/index';
import type { ProbeNormalization } from '../../../../src/protocol/compare';
import { MemorySink, mnistTest } from '../models/helpers';
import { divides255Model, dynamicSizeModel, integerInputModel, metadataRangeModel } from './input-models';

const work = mkdtempSync(path.join(tmpdir(), 'kc-input-conventions-'));
after(() => rmSync(work, { recursive: true, force: true }));
const COUNT = 6;

/** The model's layer `layer` on the first COUNT MNIST digits, fed as kc feeds them. */
async function fed(
  model: ModelAdapter,
  layer: string,
  options: { normalization?: Partial<ProbeNormalization>; inputSize?: [number, number] } = {},
): Promise<{ shape: number[]; data: Float32Array; input: ReturnType<typeof probeInputs>[number] }> {
  const probe = await openProbe({ source: 'mnist', count: COUNT, inputSize: options.inputSize }, inputTarget(model));
  const fitted = fitProbe(probe, inputTarget(model), options.normalization);
  const sink = new MemorySink();
  await model.extract(fitted.batches(), [layer], sink);
  return { ...sink.get(layer), input: { model: 'A', ...fitted.input } };
}

async function withModel<T>(file: string, use: (m: ModelAdapter) => Promise<T>): Promise<T> {
  const model = await openModel(file);
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

const pixels = mnistTest(COUNT).batch.data;

describe('input conventions', () => {
  for (const [type, name] of [
    [onnx.TensorProto.DataType.INT32, 'int32'],
    [onnx.TensorProto.DataType.UINT8, 'uint8'],
  ] as const) {
    it(`a model with an ${name} input is fed whole pixels 0..255, and the report says so`, async () => {
      await withModel(integerInputModel(work, type), async (model) => {
        const { shape, data, input } = await fed(model, 'relu');
        assert.deepEqual(shape, [COUNT, 28, 28, 1]);
        for (let i = 0; i < pixels.length; i++) assert.equal(data[i], Math.round(pixels[i] * 255), `value ${i}`);
        assert.equal(input.dtype, name);
        assert.deepEqual(input.range, [0, 255]);
        assert.equal(input.rangeSource, 'model');
        assert.match(input.rangeReason ?? '', new RegExp(`input is ${name}`));
      });
    });
  }

  it('a model whose first op divides by 255 is fed 0..255; --input-range overrides it', async () => {
    await withModel(divides255Model(work), async (model) => {
      const detected = await fed(model, 'scaled');
      assert.equal(detected.input.rangeSource, 'model');
      assert.deepEqual(detected.input.range, [0, 255]);
      assert.match(detected.input.rangeReason ?? '', /first ops compute x·0\.003922: pixels 0\.\.255/);
      for (let i = 0; i < pixels.length; i++) assert.ok(Math.abs(detected.data[i] - pixels[i]) < 1e-6, `value ${i}`);
      const forced = await fed(model, 'scaled', { normalization: { range: [0, 1] } });
      assert.equal(forced.input.rangeSource, 'option');
      for (let i = 0; i < pixels.length; i++) assert.ok(Math.abs(forced.data[i] - pixels[i] / 255) < 1e-6);
    });
  });

  it("a range in the model's metadata (Image.NominalPixelRange Normalized_1_1) is used", async () => {
    await withModel(metadataRangeModel(work, 'Normalized_1_1'), async (model) => {
      const { data, input } = await fed(model, 'same');
      assert.deepEqual(input.range, [-1, 1]);
      assert.match(input.rangeReason ?? '', /metadata says Image\.NominalPixelRange Normalized_1_1/);
      for (let i = 0; i < pixels.length; i++) assert.ok(Math.abs(data[i] - (pixels[i] * 2 - 1)) < 1e-6);
    });
  });

  it('a published TF.js graph model with an int32 input (movenet-lightning) is fed whole pixels 0..255', async () => {
    const file = path.join(__dirname, '../../../../node_modules/@vladmandic/human/models/movenet-lightning.json');
    await withModel(file, async (model) => {
      const target = inputTarget(model);
      assert.deepEqual([target.dtype, target.range], ['int32', [0, 255]]);
      const probe = await openProbe({ source: 'mnist', count: 2 }, target);
      const fitted = fitProbe(probe, target, undefined);
      assert.match(fitted.preprocessing, /scaled to \[0,255\] as int32 whole numbers/);
      let max = 0;
      for await (const batch of fitted.batches()) {
        assert.deepEqual(batch.shape, [2, 192, 192, 3]);
        for (const v of batch.data) {
          assert.ok(Number.isInteger(v) && v >= 0 && v <= 255, `${v}`);
          max = Math.max(max, v);
        }
      }
      assert.equal(max, 255, 'white MNIST strokes are 255, not 1 (which int32 would have made of [0, 1] probes)');
    });
  });

  it('a model that says nothing is fed [0, 1], labelled the default', async () => {
    await withModel(path.join(__dirname, '../../../../samples/mnist-cnn-seed1/model.onnx'), async (model) => {
      const [input] = probeInputs(await openProbe({ source: 'mnist', count: COUNT }, inputTarget(model)), [
        { model: 'A', target: inputTarget(model) },
      ]);
      assert.deepEqual(input.range, [0, 1]);
      assert.equal(input.rangeSource, 'default');
      assert.deepEqual(input.size, [28, 28]);
      assert.equal(input.sizeSource, 'model');
    });
  });

  it('a dynamic-size model is fed 28×28 MNIST at 32×32 (no broadcast error), or at --input-size', async () => {
    await withModel(dynamicSizeModel(work), async (model) => {
      const rounded = await fed(model, 'relu');
      assert.deepEqual(rounded.shape, [COUNT, 32, 32, 1]);
      assert.deepEqual(rounded.input.size, [32, 32]);
      assert.equal(rounded.input.sizeSource, 'default');
      assert.match(rounded.input.sizeReason ?? '', /probe's 28×28 rounded to a multiple of 32/);
      const chosen = await fed(model, 'relu', { inputSize: [64, 48] });
      assert.deepEqual(chosen.shape, [COUNT, 64, 48, 1]);
      assert.equal(chosen.input.sizeSource, 'option');
      // a size the model's strides do not divide: one line naming --input-size, no ANSI colours
      await assert.rejects(fed(model, 'relu', { inputSize: [28, 28] }), (e: Error) => {
        assert.match(e.message, /failed on probe inputs \[6, 28, 28, 1\].*set it with --input-size H,W/);
        assert.doesNotMatch(e.message, /\u001b|\n/);
        return true;
      });
    });
  });

  it('--input-size must be two whole numbers 1…4096', async () => {
    for (const bad of [[0, 32], [32], [32.5, 32], [5000, 32]] as number[][]) {
      await assert.rejects(
        openProbe(
          { source: 'mnist', count: COUNT, inputSize: bad as [number, number] },
          { height: 0, width: 0, channels: 1 },
        ),
        /--input-size needs two whole numbers H,W between 1 and 4096/,
      );
    }
  });
});
