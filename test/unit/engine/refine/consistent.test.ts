/**
 * B′ is a standard ONNX model: a fresh onnxruntime session (loaded from the written file, default options) runs it,
 * and the value B's upper part reads in it equals g(x_A) — the fitted disentangler's orders 0..K summed by the
 * training backend's components graph, in B's units — within float tolerance.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { getTrainingBackend } from '../../../../src/engine/compute/index';
import { fitOnce, type FittedDisentangler } from '../../../../src/engine/disentangler/fit';
import { resolveSettings } from '../../../../src/engine/disentangler/settings';
import { assembleRefined, CONSISTENT_VALUE } from '../../../../src/engine/refine/assemble';
import { frozenInverseScales } from '../../../../src/engine/refine/hidden-scales';
import { imageInput, openLabelled } from '../../../../src/engine/refine/labelled';
import { lowerPart, readOnnxModel } from '../../../../src/engine/refine/onnx-parts';
import { runModel, withOutputs } from '../../../../src/engine/refine/run-model';
import { fromGathered, toFeatures } from '../../../../src/engine/refine/samples';

const SAMPLES = path.join(__dirname, '../../../../samples');
const modelA = path.join(SAMPLES, 'mnist-cnn-seed1/model.onnx');
const modelB = path.join(SAMPLES, 'mnist-cnn-undertrained/model.onnx');

async function fitted(layerA: string, layerB: string, count: number) {
  const [a, b] = await Promise.all([readOnnxModel(modelA), readOnnxModel(modelB)]);
  const set = await openLabelled('mnist', count, imageInput(b.input.dims, modelB));
  const images = { n: set.labels.length, sampleDims: set.sampleDims, data: set.data };
  const xA = fromGathered((await runModel(withOutputs(a, [layerA]), a.input.name, images, [layerA])).get(layerA)!);
  const xB = fromGathered((await runModel(withOutputs(b, [layerB]), b.input.name, images, [layerB])).get(layerB)!);
  const backend = await getTrainingBackend('onnxruntime');
  let g: FittedDisentangler | undefined;
  await fitOnce(
    toFeatures(xA),
    toFeatures(xB),
    { source: 'A', target: 'B' },
    resolveSettings({ epochs: 4 }),
    3,
    backend,
    { onFitted: (f) => (g = f) },
  );
  const invScales = await frozenInverseScales(g!, xA);
  return { a, b, images, xA, g: g!, invScales, backend };
}

/** g(x_A) in B's units from the backend's components graph: Σ_k x^(k), then ·scale + mean per channel. */
async function componentsSum(f: Awaited<ReturnType<typeof fitted>>): Promise<Float32Array> {
  const { g, xA, backend } = f;
  const ca = g.spec.channelsA;
  const cb = g.spec.channelsB;
  const plane = xA.sampleDims.slice(1).reduce((p, v) => p * v, 1);
  const x = Float32Array.from(xA.data, (v, i) => {
    const c = Math.floor(i / plane) % ca;
    return (v - g.source.shift[c]) * g.source.scale[c];
  });
  const model = await backend.create(g.spec, g.params);
  try {
    const parts = await model.components({ n: xA.n, x });
    return Float32Array.from(parts[0], (_, i) => {
      const c = Math.floor(i / plane) % cb;
      return parts.reduce((acc, p) => acc + p[i], 0) * g.target.scale + g.target.mean[c];
    });
  } finally {
    await model.dispose();
  }
}

describe('B′ = A below the layer → g → B above it', () => {
  for (const [layerA, layerB, count] of [
    ['pool2', 'pool2', 300],
    ['relu3', 'relu3', 200],
  ] as const) {
    it(`loads in a fresh onnxruntime session and feeds g(x_A) to B's upper part (${layerA} → ${layerB})`, async () => {
      const f = await fitted(layerA, layerB, count);
      const parts = {
        a: f.a,
        b: f.b,
        layerA,
        layerB,
        rankA: f.xA.sampleDims.length + 1,
        fitted: f.g,
        invScales: f.invScales,
      };
      const dir = await mkdtemp(path.join(tmpdir(), 'kc-refine-'));
      try {
        const file = path.join(dir, 'refined.onnx');
        await writeFile(file, assembleRefined(parts, { exposeConsistent: true }));
        const session = await ort.InferenceSession.create(file);
        assert.deepEqual(session.outputNames, [f.b.output, CONSISTENT_VALUE]);
        const out = await runModel(new Uint8Array(), f.b.input.name, f.images, session.outputNames, session);
        await session.release();
        const fromModel = out.get(CONSISTENT_VALUE)!.data;
        const expected = await componentsSum(f);
        assert.equal(fromModel.length, expected.length);
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < expected.length; i++) {
          worst = Math.max(worst, Math.abs(fromModel[i] - expected[i]));
          scale = Math.max(scale, Math.abs(expected[i]));
        }
        console.log(
          `# ${layerA}: max |B′'s layer input − g(x_A)| = ${worst.toExponential(2)} (max |g| ${scale.toFixed(2)})`,
        );
        assert.ok(worst <= 1e-4 * scale, `B′ feeds B's upper part ${worst} away from g(x_A)`);
        // and B's upper part runs on it to the logits
        const logits = out.get(f.b.output)!;
        assert.deepEqual(logits.dims, [count, 10]);
        assert.ok(logits.data.every(Number.isFinite));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses a TF.js model and a layer the model does not have in one line', async () => {
    await assert.rejects(readOnnxModel(path.join(SAMPLES, 'mnist-cnn-seed1/tfjs/model.json')), /takes ONNX models/);
    const a = await readOnnxModel(modelA);
    assert.throws(() => lowerPart(a, 'nope'), /has no layer "nope"; its layers: conv1, relu1/);
    // the cut at pool2 holds exactly the nodes below it
    assert.deepEqual(
      lowerPart(a, 'pool2').nodes.map((n) => n.name),
      ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2'],
    );
  });
});
