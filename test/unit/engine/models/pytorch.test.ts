/**
 * PyTorch models through the helper, on the fixtures of test/fixtures/models/make_pytorch.py, with Debian's
 * python3-torch (/usr/bin/python3). The strongest check is across formats: the TorchScript files and the ONNX export
 * of the same module give the same features for the same probes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CancelledError } from '../../../../src/engine/cancel';
import { openModel } from '../../../../src/engine/models/index';
import { interpreterOf, TorchHelper } from '../../../../src/engine/models/torch-process';
import type { InputBatch, ModelAdapter } from '../../../../src/engine/models/types';
import { batches, CancellingSink, MemorySink, maxAbsDiff, mnistTest, ROOT } from './helpers';

const DIR = path.join(ROOT, 'test/fixtures/models/pytorch');
const python = { python: '/usr/bin/python3' };
const CNN_LAYERS = ['0', '1', '2', '3', '4', '5', '6', '7'];
/** The ONNX export's value of each module output of the nn.Sequential CNN. */
const ONNX_VALUE: Record<string, string> = {
  '0': '/0/Conv_output_0',
  '1': '/1/Relu_output_0',
  '2': '/2/MaxPool_output_0',
  '3': '/3/Conv_output_0',
  '4': '/4/Relu_output_0',
  '5': '/5/MaxPool_output_0',
  '6': '/6/Flatten_output_0',
  '7': 'logits',
};

async function features(model: ModelAdapter, layers: string[], probes: InputBatch): Promise<MemorySink> {
  const sink = new MemorySink();
  try {
    // batches of 25 over 64 probes: the last run is short
    await model.extract(batches(probes, 25), layers, sink);
  } finally {
    await model.dispose();
  }
  return sink;
}

describe('PyTorch models', () => {
  it('kc layers of a TorchScript CNN: its modules, NHWC shapes, kinds and probe points', async () => {
    const model = await openModel(path.join(DIR, 'cnn.pt'), { pytorch: python });
    try {
      assert.deepEqual(model.inputShape, [28, 28, 1]);
      assert.equal(model.ref.format, 'torchscript');
      const layers = model.layers();
      assert.deepEqual(
        layers.map((l) => [l.name, l.kind, l.op, l.shape.join('x')]),
        [
          ['0', 'conv', 'Conv2d', '-1x28x28x4'],
          ['1', 'activation', 'ReLU', '-1x28x28x4'],
          ['2', 'pool', 'MaxPool2d', '-1x14x14x4'],
          ['3', 'conv', 'Conv2d', '-1x14x14x8'],
          ['4', 'activation', 'ReLU', '-1x14x14x8'],
          ['5', 'pool', 'MaxPool2d', '-1x7x7x8'],
          ['6', 'reshape', 'Flatten', '-1x392'],
          ['7', 'dense', 'Linear', '-1x10'],
        ],
      );
      assert.deepEqual(
        layers.filter((l) => l.probePoint).map((l) => l.name),
        ['2', '5'],
      );
    } finally {
      await model.dispose();
    }
  });

  it('scripted and traced TorchScript give the features of their ONNX export within 1e-4 (64 MNIST probes)', async () => {
    const { batch } = mnistTest(64);
    const onnx = await features(
      await openModel(path.join(DIR, 'cnn.onnx')),
      CNN_LAYERS.map((l) => ONNX_VALUE[l]),
      batch,
    );
    for (const file of ['cnn.pt', 'cnn-traced.pt']) {
      const torch = await features(await openModel(path.join(DIR, file), { pytorch: python }), CNN_LAYERS, batch);
      for (const layer of CNN_LAYERS) {
        const a = torch.get(layer);
        const b = onnx.get(ONNX_VALUE[layer]);
        assert.deepEqual(a.shape, b.shape, `${file} ${layer}`);
        const diff = maxAbsDiff(a.data, b.data);
        assert.ok(diff < 1e-4, `${file} ${layer}: max |Δ| ${diff}`);
        assert.ok(
          a.data.some((v) => v !== 0),
          `${file} ${layer} is all zeros`,
        );
      }
    }
  });

  it('a pickled checkpoint (forward hooks) and its TorchScript (graph) name and compute the same layers', async () => {
    const { batch } = mnistTest(64);
    // The residual net's class lives in the fixture folder: its pickle loads only with it on PYTHONPATH.
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = DIR;
    try {
      for (const [scripted, pickled] of [
        ['cnn.pt', 'cnn-pickled.pth'],
        ['residual.pt', 'residual.pth'],
      ]) {
        const script = await openModel(path.join(DIR, scripted), { pytorch: python });
        const pickle = await openModel(path.join(DIR, pickled), { pytorch: { ...python, allowPickle: true } });
        const names = script.layers().map((l) => l.name);
        assert.deepEqual(
          pickle.layers().map((l) => l.name),
          names,
        );
        const a = await features(script, names, batch);
        const b = await features(pickle, names, batch);
        for (const layer of names) assert.ok(maxAbsDiff(a.get(layer).data, b.get(layer).data) < 1e-5, layer);
      }
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
    }
  });

  it('residual net: an in-place ReLU leaves the norm before it as it was, a ReLU used twice is two layers', async () => {
    const model = await openModel(path.join(DIR, 'residual.pt'), { pytorch: python });
    const names = model.layers().map((l) => l.name);
    assert.deepEqual(names, ['stem', 'relu', 'block.conv', 'block.bn', 'block.act', 'block', 'relu:2', 'pool', 'head']);
    const sink = await features(model, ['block.bn', 'block.act'], mnistTest(16).batch);
    const bn = sink.get('block.bn').data;
    const act = sink.get('block.act').data;
    assert.ok(
      bn.some((v) => v < 0),
      'the norm output was captured after the in-place ReLU',
    );
    assert.ok(
      maxAbsDiff(
        act,
        bn.map((v) => Math.max(v, 0)),
      ) < 1e-6,
    );
  });

  it('a traced model that fixed its batch at 1 runs one sample at a time, whatever the probe batches', async () => {
    const model = await openModel(path.join(DIR, 'fixed-batch.pt'), { pytorch: python });
    const layers = model.layers().map((l) => l.name);
    assert.deepEqual(layers, ['conv', 'relu', 'pool', 'head']);
    const { batch } = mnistTest(5);
    const all = new MemorySink();
    await model.extract(batches(batch, 3), layers, all);
    const first = new MemorySink();
    await model.extract(batches(mnistTest(1).batch, 1), layers, first);
    await model.dispose();
    assert.deepEqual(all.get('head').shape, [5, 10]);
    assert.deepEqual(all.get('pool').shape, [5, 7, 7, 4]);
    for (const layer of layers) {
      const one = first.get(layer).data;
      assert.ok(maxAbsDiff(all.get(layer).data.subarray(0, one.length), one) < 1e-6, layer);
    }
  });

  it('cancelling an extraction ends it with CancelledError and kills the helper process', async () => {
    const model = await openModel(path.join(DIR, 'cnn.pt'), { pytorch: python });
    const sink = new CancellingSink();
    await assert.rejects(
      model.extract(batches(mnistTest(64).batch, 8), CNN_LAYERS, sink, { signal: sink.signal, memoryBudget: 1 }),
      CancelledError,
    );
    assert.deepEqual(await helpersOfThisProcess(), []);
    await model.dispose();
  });

  it('a cancel while the helper is busy kills it at once (no answer awaited)', async () => {
    const { helper } = await TorchHelper.start(interpreterOf(python), () => undefined);
    // An extract whose payload never comes: the helper waits for it as it would inside a long batch.
    helper.send({ type: 'extract', layers: ['0'], shape: [1, 28, 28, 1], bytes: 28 * 28 * 4 });
    const signal = { aborted: false };
    setTimeout(() => (signal.aborted = true), 200);
    const started = Date.now();
    await assert.rejects(helper.expect('done', signal), CancelledError);
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(await helpersOfThisProcess(), []);
  });
});

/** Python helpers still running as children of this test process, after a moment for a killed one to go. */
async function helpersOfThisProcess(): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('kc_torch_helper.py'));
}
