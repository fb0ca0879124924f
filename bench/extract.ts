/**
 * Child of bench/run.mjs: feature extraction of every layer of a sample CNN on 2000 images (batches of 250),
 * either through MODELS' adapter (`--via adapter`: openModel + extract into a sink that keeps nothing) or
 * through ORT's own InferenceSession on the same model with every node output added as a graph output
 * (`--via ort`). Prints {"imagesPerSecond", "seconds", "maxRssMB"}.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { openModel } from '../src/engine/models';
import type { InputBatch } from '../src/engine/models/types';

export const MODEL = 'samples/mnist-cnn-wide/model.onnx';
const IMAGES = 2000;
const BATCH = 250;

function images(): InputBatch[] {
  let state = 5;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: IMAGES / BATCH }, () => ({ shape: [BATCH, 28, 28, 1], data: Float32Array.from({ length: BATCH * 784 }, next) }));
}

async function viaAdapter(batches: InputBatch[]): Promise<number> {
  const model = await openModel(MODEL);
  const names = model.layers().map((l) => l.name);
  let values = 0;
  const t0 = performance.now();
  await model.extract(batches, names, { write: (_layer, _shape, data) => void (values += data.length) });
  const seconds = (performance.now() - t0) / 1000;
  await model.dispose();
  if (values === 0) throw new Error('the adapter extracted nothing');
  return seconds;
}

async function viaOrt(batches: InputBatch[]): Promise<number> {
  const model = onnx.ModelProto.decode(readFileSync(MODEL));
  const graph = model.graph as onnx.GraphProto;
  const known = new Set(graph.output.map((o) => o.name));
  for (const node of graph.node) for (const out of node.output ?? []) if (!known.has(out)) graph.output.push({ name: out, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { graphOptimizationLevel: 'all' });
  const input = session.inputNames[0];
  const t0 = performance.now();
  // 1 channel: NHWC and NCHW hold the same bytes
  for (const b of batches) await session.run({ [input]: new ort.Tensor('float32', b.data, [b.shape[0], 1, 28, 28]) });
  const seconds = (performance.now() - t0) / 1000;
  await session.release();
  return seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { via: { type: 'string', default: 'adapter' } } });
  const batches = images();
  const seconds = values.via === 'ort' ? await viaOrt(batches) : await viaAdapter(batches);
  console.log(JSON.stringify({ imagesPerSecond: IMAGES / seconds, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

void main();
