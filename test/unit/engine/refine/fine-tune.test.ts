/**
 * Fine-tuning B's upper part: the hand-built backward graph's gradients match finite differences (through Conv,
 * Relu, MaxPool, Flatten and Gemm), and a fine-tuning run lowers the training loss.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Tensor } from 'onnxruntime-node';
import { createSession } from '../../../../src/engine/compute/ort-session';
import { fineTune } from '../../../../src/engine/refine/fine-tune';
import { imageInput, openLabelled } from '../../../../src/engine/refine/labelled';
import { readOnnxModel } from '../../../../src/engine/refine/onnx-parts';
import { runModel, withOutputs } from '../../../../src/engine/refine/run-model';
import { fromGathered } from '../../../../src/engine/refine/samples';
import { buildUpperTraining, WEIGHT_PREFIX } from '../../../../src/engine/refine/upper-train';

const modelB = path.join(__dirname, '../../../../samples/mnist-cnn-undertrained/model.onnx');

async function layerValues(layer: string, count: number) {
  const b = await readOnnxModel(modelB);
  const set = await openLabelled('mnist', count, imageInput(b.input.dims, modelB));
  const images = { n: set.labels.length, sampleDims: set.sampleDims, data: set.data };
  const z = fromGathered((await runModel(withOutputs(b, [layer]), b.input.name, images, [layer])).get(layer)!);
  return { b, z, labels: set.labels };
}

describe("fine-tuning B's upper part", () => {
  it('has the gradients of the cross-entropy (finite differences, above relu1: conv2, pool2, fc1, fc2)', async () => {
    const { b, z, labels } = await layerValues('relu1', 16);
    const training = buildUpperTraining(b, 'relu1', z.sampleDims, 10);
    assert.deepEqual(
      training.weights.map((w) => w.name),
      ['conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'],
    );
    const session = await createSession(training.bytes);
    const onehot = new Float32Array(16 * 10);
    labels.forEach((l, i) => (onehot[i * 10 + l] = 1));
    const run = async (weights: Float32Array[]) => {
      const feeds: Record<string, Tensor> = {
        z: new Tensor('float32', z.data, [z.n, ...z.sampleDims]),
        onehot: new Tensor('float32', onehot, [16, 10]),
      };
      training.weights.forEach(
        (w, i) => (feeds[`${WEIGHT_PREFIX}${w.name}`] = new Tensor('float32', weights[i], w.dims)),
      );
      return session.run(feeds);
    };
    const weights = training.weights.map((w) => w.values.slice());
    const out = await run(weights);
    const loss = (out.loss.data as Float32Array)[0];
    assert.ok(loss > 0.1, `the undertrained model's loss is ${loss}`);
    let checked = 0;
    for (let i = 0; i < weights.length; i++) {
      const grad = out[`grad/${i}`].data as Float32Array;
      // the coordinates with the largest gradients: finite differences in float32 resolve them well
      const top = Array.from(grad.keys())
        .sort((p, q) => Math.abs(grad[q]) - Math.abs(grad[p]))
        .slice(0, 3);
      for (const k of top) {
        const h = 1e-2;
        const at = async (delta: number) => {
          const moved = weights.map((w) => w.slice());
          moved[i][k] += delta;
          return ((await run(moved)).loss.data as Float32Array)[0];
        };
        const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
        assert.ok(
          Math.abs(numeric - grad[k]) <= 0.05 * Math.abs(grad[k]) + 1e-4,
          `${training.weights[i].name}[${k}]: backward graph ${grad[k]}, finite difference ${numeric}`,
        );
        checked++;
      }
    }
    assert.equal(checked, 18);
    await session.release();
  });

  it('lowers the training loss', async () => {
    const { b, z, labels } = await layerValues('pool2', 300);
    const training = buildUpperTraining(b, 'pool2', z.sampleDims, 10);
    const tuned = await fineTune(
      training,
      { ...z, labels, classes: 10 },
      { epochs: 5, batchSize: 64, learningRate: 1e-3, seed: 1 },
    );
    console.log(
      `# loss ${tuned.lossBefore.toFixed(4)} → ${tuned.lossAfter.toFixed(4)}; epochs ${tuned.epochLosses.map((l) => l.toFixed(3)).join(' ')}`,
    );
    assert.ok(tuned.lossAfter < 0.8 * tuned.lossBefore, `loss ${tuned.lossBefore} → ${tuned.lossAfter}`);
    // B's own weights are the starting point and are not changed in place
    assert.deepEqual(
      training.weights[0].values,
      (await buildUpperTraining(b, 'pool2', z.sampleDims, 10)).weights[0].values,
    );
    assert.notDeepEqual(tuned.weights.get('fc1.weight'), training.weights[0].values);
  });
});
