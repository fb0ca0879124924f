import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { onnx } from 'onnx-proto';
import { listLayers, runCompare } from '../../../../../src/engine/compare';
import { openModel } from '../../../../../src/engine/models/index';
import { openTextProbe } from '../../../../../src/engine/probes/text';
import { fitTextProbe } from '../../../../../src/engine/probes/text-tokens';
import { FIXTURES, PROBE_TXT, SEED1 } from './helpers';

const work = mkdtempSync(path.join(tmpdir(), 'kc-multi-input-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The seed1 encoder re-saved with its graph inputs in the order `order` (names), beside its tokenizer. */
function reordered(order: string[]): string {
  const model = onnx.ModelProto.decode(readFileSync(SEED1));
  const graph = model.graph!;
  graph.input = order.map((name) => graph.input!.find((i) => i.name === name)!);
  const folder = path.join(work, order.join('-'));
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  copyFileSync(path.join(FIXTURES, 'tiny-bert-seed1', 'tokenizer.json'), path.join(folder, 'tokenizer.json'));
  return path.join(folder, 'model.onnx');
}

/** Features of `layers` for the first 40 probe texts, concatenated per layer. */
async function features(file: string, layers: string[]): Promise<Map<string, number[]>> {
  const model = await openModel(file);
  try {
    const fit = await fitTextProbe(await openTextProbe(PROBE_TXT, 40), model);
    const out = new Map<string, number[]>(layers.map((l) => [l, []]));
    await model.extract(fit.batches(), layers, { write: (l, _s, d) => void out.get(l)!.push(...d) });
    return out;
  } finally {
    await model.dispose();
  }
}

test('a three-input ONNX encoder opens: token inputs by role, [N, T, C] layers as [N, 1, T, C], attention out of the defaults', async () => {
  const model = await openModel(SEED1);
  try {
    assert.deepEqual(model.sequence?.roles, [
      { name: 'input_ids', role: 'ids' },
      { name: 'attention_mask', role: 'mask' },
      { name: 'token_type_ids', role: 'types' },
    ]);
    assert.equal(model.sequence?.length, 16);
  } finally {
    await model.dispose();
  }
  const { layers } = await listLayers(SEED1);
  const byName = new Map(layers.map((l) => [l.name, l]));
  assert.deepEqual(byName.get('layer1')?.shape, [-1, 1, 16, 32]);
  assert.deepEqual(byName.get('pooler')?.shape, [-1, 32]);
  const softmax = layers.find((l) => l.op === 'Softmax')!;
  assert.equal(softmax.kind, 'attention');
  assert.equal(softmax.probePoint, false);
});

test('inputs are fed by name: the same encoder with its inputs declared in another order gives identical features', async () => {
  const layers = ['embeddings', 'layer0', 'layer1', 'pooler'];
  const original = await features(SEED1, layers);
  const shuffled = await features(reordered(['token_type_ids', 'attention_mask', 'input_ids']), layers);
  for (const layer of layers) {
    assert.equal(original.get(layer)!.length, layer === 'pooler' ? 40 * 32 : 40 * 16 * 32);
    assert.deepEqual(shuffled.get(layer), original.get(layer), layer);
  }
});

test('the attention mask reaches the model: dropping it changes the features of real tokens', async () => {
  const model = onnx.ModelProto.decode(readFileSync(SEED1));
  // the mask input replaced by a constant all-ones mask: pads are then attended to
  const graph = model.graph!;
  graph.input = graph.input!.filter((i) => i.name !== 'attention_mask');
  graph.node!.unshift(
    onnx.NodeProto.create({
      opType: 'ConstantOfShape',
      input: ['kc_shape'],
      output: ['attention_mask'],
      attribute: [
        onnx.AttributeProto.create({
          name: 'value',
          type: onnx.AttributeProto.AttributeType.TENSOR,
          t: onnx.TensorProto.create({ dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [1] }),
        }),
      ],
    }),
    onnx.NodeProto.create({ opType: 'Shape', input: ['input_ids'], output: ['kc_shape'] }),
  );
  const folder = path.join(work, 'no-mask');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  copyFileSync(path.join(FIXTURES, 'tiny-bert-seed1', 'tokenizer.json'), path.join(folder, 'tokenizer.json'));
  const masked = (await features(SEED1, ['pooler'])).get('pooler')!;
  const unmasked = (await features(path.join(folder, 'model.onnx'), ['pooler'])).get('pooler')!;
  const diff = Math.max(...masked.map((v, i) => Math.abs(v - unmasked[i])));
  assert.ok(diff > 1e-3, `the mask changes the [CLS] features (max diff ${diff})`);
});

test('an image probe for a sequence model, or a text probe for an image model: one line each', async () => {
  await assert.rejects(
    runCompare({ modelA: SEED1, modelB: SEED1, probe: { source: 'synthetic', count: 50 }, direction: 'a2b' }),
    /takes token ids: give a text probe \(--probe texts\.txt/,
  );
  const image = path.join(__dirname, '..', '..', '..', '..', '..', 'samples', 'mnist-cnn-seed1', 'model.onnx');
  await assert.rejects(
    runCompare({ modelA: image, modelB: image, probe: { source: PROBE_TXT, count: 50 }, direction: 'a2b' }),
    /takes images, not token ids: a text probe .* needs a sequence model/,
  );
});
