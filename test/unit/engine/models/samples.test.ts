import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { detectFormat, openModel } from '../../../../src/engine/models/index';
import { batches, MemorySink, maxAbsDiff, mnistTest, SAMPLES } from './helpers';

const NAMES = [
  'mnist-cnn-seed1',
  'mnist-cnn-seed2',
  'mnist-cnn-wide',
  'mnist-cnn-student',
  'mnist-cnn-pruned',
  'mnist-cnn-undertrained',
];
const onnxPath = (name: string) => path.join(SAMPLES, name, 'model.onnx');
const tfjsPath = (name: string) => path.join(SAMPLES, name, 'tfjs', 'model.json');

function chwToHwc(data: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) out[s * c * h * w + p * c + ch] = data[s * c * h * w + ch * h * w + p];
    }
  }
  return out;
}

describe('sample models', () => {
  it('are detected by format', async () => {
    assert.equal(await detectFormat(onnxPath('mnist-cnn-seed1')), 'onnx');
    assert.equal(await detectFormat(tfjsPath('mnist-cnn-seed1')), 'tfjs-layers');
    assert.equal(await detectFormat(path.join(SAMPLES, 'mnist-cnn-seed1', 'meta.json')), undefined);
  });

  it('list the same layers in both formats, with the expected kinds, NHWC shapes and probe points', async () => {
    for (const name of NAMES) {
      const onnx = await openModel(onnxPath(name));
      const tfjs = await openModel(tfjsPath(name));
      const strip = (l: { op?: string }) => ({ ...l, op: undefined });
      assert.deepEqual(onnx.layers().map(strip), tfjs.layers().map(strip), name);
      assert.deepEqual([...onnx.inputShape], [28, 28, 1]);
      assert.equal(onnx.ref.name, name);
      assert.equal(tfjs.ref.name, `${name}/tfjs`); // the format folder tells it from the ONNX file beside it
      assert.match(onnx.ref.sha256 ?? '', /^[0-9a-f]{64}$/);
      await onnx.dispose();
      await tfjs.dispose();
    }
    const seed1 = await openModel(onnxPath('mnist-cnn-seed1'));
    const layers = seed1.layers();
    assert.deepEqual(
      layers.map((l) => `${l.name}:${l.kind}`),
      [
        'conv1:conv',
        'relu1:activation',
        'pool1:pool',
        'conv2:conv',
        'relu2:activation',
        'pool2:pool',
        'flatten:reshape',
        'fc1:dense',
        'relu3:activation',
        'fc2:dense',
      ],
    );
    assert.deepEqual(layers.find((l) => l.name === 'pool1')?.shape, [-1, 14, 14, 8]);
    assert.deepEqual(layers.find((l) => l.name === 'fc1')?.shape, [-1, 64]);
    assert.deepEqual(
      layers.filter((l) => l.probePoint).map((l) => l.name),
      ['pool1', 'pool2', 'relu3'],
    );
    await seed1.dispose();
    const wide = await openModel(onnxPath('mnist-cnn-wide'));
    assert.deepEqual(
      wide
        .layers()
        .filter((l) => l.probePoint)
        .map((l) => l.name),
      ['pool1', 'relu2', 'pool2', 'relu4'],
    );
    await wide.dispose();
  });

  it('give the same features from the ONNX and the TF.js export (every layer, to 1e-4)', async (t) => {
    const { batch } = mnistTest(64);
    for (const name of ['mnist-cnn-seed1', 'mnist-cnn-wide']) {
      const onnx = await openModel(onnxPath(name));
      const tfjs = await openModel(tfjsPath(name));
      const layers = onnx.layers().map((l) => l.name);
      const a = new MemorySink();
      const b = new MemorySink();
      await onnx.extract(batches(batch, 20), layers, a);
      await tfjs.extract(batches(batch, 20), layers, b);
      let worst = 0;
      for (const layer of layers) {
        const fa = a.get(layer);
        const fb = b.get(layer);
        assert.deepEqual(fa.shape, fb.shape, `${name} ${layer}`);
        assert.equal(fa.shape[0], 64);
        // torch flattens C×H×W, Keras H×W×C: the one layer whose values the formats order differently.
        const pool = onnx.layers().find((l) => l.name === 'pool2')!.shape;
        const onnxValues = layer === 'flatten' ? chwToHwc(fa.data, 64, pool[3], pool[1], pool[2]) : fa.data;
        const d = maxAbsDiff(onnxValues, fb.data);
        assert.ok(d < 1e-4, `${name} ${layer}: max |ONNX − TF.js| = ${d}`);
        worst = Math.max(worst, d);
      }
      t.diagnostic(`${name}: max |ONNX − TF.js| over ${layers.length} layers = ${worst.toExponential(2)}`);
      await onnx.dispose();
      await tfjs.dispose();
    }
  });

  it('classify MNIST as accurately as meta.json records (the exports are the trained networks)', async () => {
    const { batch, labels } = mnistTest(1000);
    for (const name of NAMES) {
      const meta = JSON.parse(readFileSync(path.join(SAMPLES, name, 'meta.json'), 'utf8')) as { testAccuracy: number };
      const model = await openModel(onnxPath(name));
      const sink = new MemorySink();
      await model.extract([batch], ['fc2'], sink);
      const logits = sink.get('fc2').data;
      let correct = 0;
      for (let i = 0; i < labels.length; i++) {
        const row = logits.subarray(i * 10, i * 10 + 10);
        if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
      }
      assert.ok(
        Math.abs(correct / 1000 - meta.testAccuracy) < 0.04,
        `${name}: ${correct / 1000} on 1000 test images, meta.json says ${meta.testAccuracy}`,
      );
      await model.dispose();
    }
  });

  it('extract identical features for the same model whatever the probe batching (self-comparison)', async () => {
    const { batch } = mnistTest(50);
    for (const file of [onnxPath('mnist-cnn-student'), tfjsPath('mnist-cnn-student')]) {
      const model = await openModel(file);
      const probes = model
        .layers()
        .filter((l) => l.probePoint)
        .map((l) => l.name);
      const a = new MemorySink();
      const b = new MemorySink();
      await model.extract(batches(batch, 50), probes, a);
      await model.extract(batches(batch, 7), probes, b);
      for (const layer of probes)
        assert.ok(maxAbsDiff(a.get(layer).data, b.get(layer).data) <= 1e-6, `${file} ${layer}`);
      await model.dispose();
    }
  });
});
