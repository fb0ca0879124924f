import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { CancelledError } from '../../../src/engine/cancel';
import { openModel } from '../../../src/engine/models/index';
import { batches, MemorySink, maxAbsDiff, mnistTest, SAMPLES } from './helpers';

const SEED1 = path.join(SAMPLES, 'mnist-cnn-seed1', 'model.onnx');

describe('extraction', () => {
  it('a model with a fixed batch of 4 takes any probe count (last run zero-padded, padding dropped)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-fixed-batch-'));
    const proto = onnx.ModelProto.decode(readFileSync(SEED1));
    const dim = proto.graph!.input![0].type!.tensorType!.shape!.dim![0];
    dim.dimParam = '';
    dim.dimValue = 4;
    const file = path.join(dir, 'fixed4.onnx');
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    const fixed = await openModel(file);
    const dynamic = await openModel(SEED1);
    const { batch } = mnistTest(10);
    const a = new MemorySink();
    const b = new MemorySink();
    await fixed.extract(batches(batch, 3), ['pool1', 'relu3'], a);
    await dynamic.extract([batch], ['pool1', 'relu3'], b);
    for (const l of ['pool1', 'relu3']) {
      assert.equal(a.get(l).shape[0], 10);
      assert.ok(maxAbsDiff(a.get(l).data, b.get(l).data) < 1e-6, l);
    }
    await fixed.dispose();
    await dynamic.dispose();
    rmSync(dir, { recursive: true });
  });

  it('reports progress in samples and stops at a cancelled signal', async () => {
    const model = await openModel(path.join(SAMPLES, 'mnist-cnn-seed1', 'tfjs', 'model.json'));
    const { batch } = mnistTest(30);
    const seen: Array<[number, number]> = [];
    await model.extract(batches(batch, 10), ['pool2'], new MemorySink(), { total: 30, onProgress: (p) => seen.push([p.done, p.total]) });
    assert.deepEqual(seen, [[10, 30], [20, 30], [30, 30]]);
    const signal = { aborted: false };
    const sink = new MemorySink();
    const cancelling = { write: (l: string, s: number[], d: Float32Array) => { sink.write(l, s, d); signal.aborted = true; } };
    await assert.rejects(model.extract(batches(batch, 10), ['pool2'], cancelling, { signal }), CancelledError);
    assert.equal(sink.get('pool2').shape[0], 10);
    await model.dispose();
  });
});
