import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { CancelledError } from '../../../../src/engine/cancel';
import { openModel } from '../../../../src/engine/models/index';
import type { InputBatches } from '../../../../src/engine/models/types';
import { batches, CancellingSink, MemorySink, maxAbsDiff, mnistTest, ROOT, SAMPLES } from './helpers';

const SEED1 = path.join(SAMPLES, 'mnist-cnn-seed1', 'model.onnx');
const TOKENS = path.join(ROOT, 'test/fixtures/models/tokens.onnx');

/** What a model extracts from `runs`, opened for that alone. */
async function extracted(file: string, runs: InputBatches, layers: string[]): Promise<MemorySink> {
  const model = await openModel(file);
  const sink = new MemorySink();
  await model.extract(runs, layers, sink);
  await model.dispose();
  return sink;
}

describe('extraction', () => {
  it('a model with a fixed batch of 4 takes any probe count (last run zero-padded, padding dropped)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-fixed-batch-'));
    const proto = onnx.ModelProto.decode(readFileSync(SEED1));
    const dim = proto.graph!.input![0].type!.tensorType!.shape!.dim![0];
    dim.dimParam = '';
    dim.dimValue = 4;
    const file = path.join(dir, 'fixed4.onnx');
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    const { batch } = mnistTest(10);
    const a = await extracted(file, batches(batch, 3), ['pool1', 'relu3']);
    const b = await extracted(SEED1, [batch], ['pool1', 'relu3']);
    for (const l of ['pool1', 'relu3']) {
      assert.equal(a.get(l).shape[0], 10);
      assert.ok(maxAbsDiff(a.get(l).data, b.get(l).data) < 1e-6, l);
    }
    rmSync(dir, { recursive: true });
  });

  it('4-D values that are graph outputs already or whose NHWC name is taken come out as from the plain model', async () => {
    // The adapter transposes 4-D values to NHWC inside the graph, under fresh output names (name + '__kc_nhwc').
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-nhwc-names-'));
    const proto = onnx.ModelProto.decode(readFileSync(SEED1));
    const graph = proto.graph!;
    graph.output!.push(graph.valueInfo!.find((v) => v.name === 'relu1')!);
    graph.node!.push(onnx.NodeProto.create({ opType: 'Identity', input: ['relu2'], output: ['relu2__kc_nhwc'] }));
    const file = path.join(dir, 'renamed.onnx');
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    const { batch } = mnistTest(6);
    const a = await extracted(file, [batch], ['relu1', 'relu2', 'relu2__kc_nhwc']);
    const b = await extracted(SEED1, [batch], ['relu1', 'relu2']);
    for (const [got, want] of [
      ['relu1', 'relu1'],
      ['relu2', 'relu2'],
      ['relu2__kc_nhwc', 'relu2'],
    ]) {
      assert.deepEqual(a.get(got).shape, b.get(want).shape, got);
      assert.deepEqual(a.get(got).data, b.get(want).data, got);
    }
    rmSync(dir, { recursive: true });
  });

  it('a TF.js layers model with batch_input_shape [4, …] takes any probe count too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-fixed-batch-tfjs-'));
    const src = path.join(SAMPLES, 'mnist-cnn-seed1', 'tfjs');
    const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
    json.modelTopology.config.layers[0].config.batch_input_shape = [4, 28, 28, 1];
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'weights.bin'), readFileSync(path.join(src, 'weights.bin')));
    const { batch } = mnistTest(10);
    const a = await extracted(path.join(dir, 'model.json'), batches(batch, 3), ['pool1', 'fc2']);
    const b = await extracted(path.join(src, 'model.json'), [batch], ['pool1', 'fc2']);
    for (const l of ['pool1', 'fc2']) {
      assert.deepEqual(a.get(l).shape, b.get(l).shape);
      assert.ok(maxAbsDiff(a.get(l).data, b.get(l).data) < 1e-6, l);
    }
    rmSync(dir, { recursive: true });
  });

  it('a flat-input ONNX model with [N, T, C] values: features as [N, 1, T, C], post-norm block output', async () => {
    const model = await openModel(TOKENS);
    assert.deepEqual([...model.inputShape], [32]);
    assert.deepEqual(
      model.layers().map((l) => [l.name, l.kind, l.shape.join(), l.probePoint]),
      [
        ['tokens', 'reshape', '-1,1,4,8', false],
        ['proj', 'dense', '-1,1,4,8', false],
        ['residual', 'add', '-1,1,4,8', false],
        ['norm', 'norm', '-1,1,4,8', true],
        ['act', 'activation', '-1,1,4,8', true],
      ],
    );
    const x = Float32Array.from({ length: 2 * 32 }, (_, i) => Math.cos(i));
    const sink = new MemorySink();
    await model.extract([{ shape: [2, 32], data: x }], ['tokens', 'norm', 'act'], sink);
    assert.deepEqual(sink.get('tokens').shape, [2, 1, 4, 8]);
    assert.deepEqual([...sink.get('tokens').data], [...x]);
    // Layer norm over each token's 8 channels: mean 0, variance 1 (γ = 1, β = 0); act = relu(norm).
    const norm = sink.get('norm').data;
    for (let t = 0; t < 8; t++) {
      const v = norm.subarray(t * 8, t * 8 + 8);
      const mean = v.reduce((a, b) => a + b, 0) / 8;
      assert.ok(Math.abs(mean) < 1e-5);
      assert.ok(Math.abs(v.reduce((a, b) => a + (b - mean) ** 2, 0) / 8 - 1) < 1e-3);
    }
    assert.deepEqual(
      [...sink.get('act').data],
      [...norm].map((v) => Math.max(0, v)),
    );
    await model.dispose();
  });

  it('reads tensors saved as ONNX external data (and names a missing data file)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-external-'));
    const proto = onnx.ModelProto.decode(readFileSync(SEED1));
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const t of proto.graph!.initializer as onnx.TensorProto[]) {
      chunks.push(t.rawData);
      t.externalData = [
        onnx.StringStringEntryProto.create({ key: 'location', value: 'weights.data' }),
        onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
        onnx.StringStringEntryProto.create({ key: 'length', value: String(t.rawData.length) }),
      ];
      offset += t.rawData.length;
      t.rawData = new Uint8Array(0);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    }
    const file = path.join(dir, 'external.onnx');
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    writeFileSync(path.join(dir, 'weights.data'), Buffer.concat(chunks));
    const { batch } = mnistTest(8);
    const a = await extracted(file, [batch], ['fc2']);
    const b = await extracted(SEED1, [batch], ['fc2']);
    assert.equal(maxAbsDiff(a.get('fc2').data, b.get('fc2').data), 0);
    rmSync(path.join(dir, 'weights.data'));
    await assert.rejects(
      openModel(file),
      /external\.onnx: external data "weights\.data" of tensor conv1\.weight is missing/,
    );
    rmSync(dir, { recursive: true });
  });

  it('reports progress in samples and stops at a cancelled signal', async () => {
    const model = await openModel(path.join(SAMPLES, 'mnist-cnn-seed1', 'tfjs', 'model.json'));
    const { batch } = mnistTest(30);
    const seen: Array<[number, number]> = [];
    await model.extract(batches(batch, 10), ['pool2'], new MemorySink(), {
      total: 30,
      onProgress: (p) => seen.push([p.done, p.total]),
    });
    assert.deepEqual(seen, [
      [10, 30],
      [20, 30],
      [30, 30],
    ]);
    const sink = new CancellingSink();
    await assert.rejects(model.extract(batches(batch, 10), ['pool2'], sink, { signal: sink.signal }), CancelledError);
    assert.equal(sink.get('pool2').shape[0], 10);
    await model.dispose();
  });
});
