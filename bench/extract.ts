/**
 * Child of bench/run.mjs: feature extraction of every layer of a sample CNN on 2000 images (batches of 250),
 * steady state: one untimed warm-up batch first (it creates the session), then the 2000 images timed.
 *   --via adapter  MODELS' openModel + extract of every listed layer (NHWC features, as the engine uses them)
 *                  into a sink that keeps nothing;
 *   --via ort      ORT's own InferenceSession on the same model computing the same values: every node output as a
 *                  graph output, 4-D ones through a Transpose to NHWC (built here, not by the adapter), the same
 *                  session options (src/engine/compute/ort-session.ts), all 250 images per run, results dropped.
 *                  What is left between the two is the adapter's own cost (re-batching to its memory budget,
 *                  input tensor, sink calls). `--via ort --nchw` returns the raw NCHW values instead.
 * Prints {"imagesPerSecond", "seconds", "cpuSecondsPerEpoch" (user + sys of the timed span), "maxRssMB"}.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { createSession } from '../src/engine/compute/ort-session';
import { openModel } from '../src/engine/models';
import type { InputBatch } from '../src/engine/models/types';

export const MODEL = 'samples/mnist-cnn-wide/model.onnx';
const IMAGES = 2000;
const BATCH = 250;

function images(count: number, seed: number): InputBatch[] {
  let state = seed;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: count / BATCH }, () => ({
    shape: [BATCH, 28, 28, 1],
    data: Float32Array.from({ length: BATCH * 784 }, next),
  }));
}

/** Seconds and CPU seconds of `work`. */
async function timed(work: () => Promise<void>): Promise<{ seconds: number; cpuSeconds: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function viaAdapter(
  warmUp: InputBatch[],
  batches: InputBatch[],
): Promise<{ seconds: number; cpuSeconds: number }> {
  const model = await openModel(MODEL);
  const names = model.layers().map((l) => l.name);
  let values = 0;
  const sink = { write: (_layer: string, _shape: number[], data: Float32Array) => void (values += data.length) };
  await model.extract(warmUp, names, sink);
  const t = await timed(() => model.extract(batches, names, sink));
  await model.dispose();
  if (values === 0) throw new Error('the adapter extracted nothing');
  return t;
}

async function viaOrt(
  warmUp: InputBatch[],
  batches: InputBatch[],
  nhwc: boolean,
): Promise<{ seconds: number; cpuSeconds: number }> {
  const model = onnx.ModelProto.decode(readFileSync(MODEL));
  const graph = model.graph as onnx.GraphProto;
  const known = new Set(graph.output.map((o) => o.name));
  const rank4 = new Set(graph.valueInfo.filter((v) => v.type?.tensorType?.shape?.dim?.length === 4).map((v) => v.name));
  const output = (name: string): void =>
    void graph.output.push({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  for (const node of [...graph.node]) {
    for (const out of node.output ?? []) {
      if (nhwc && rank4.has(out)) {
        graph.node.push({
          opType: 'Transpose',
          input: [out],
          output: [`${out}_nhwc`],
          attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 3, 1] }],
        });
        output(`${out}_nhwc`);
      } else if (!known.has(out)) output(out);
    }
  }
  const session = await createSession(onnx.ModelProto.encode(model).finish());
  const input = session.inputNames[0];
  // 1 channel: NHWC and NCHW hold the same bytes
  const run = async (list: InputBatch[]): Promise<void> => {
    for (const b of list) await session.run({ [input]: new ort.Tensor('float32', b.data, [b.shape[0], 1, 28, 28]) });
  };
  await run(warmUp);
  const t = await timed(() => run(batches));
  await session.release();
  return t;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { via: { type: 'string', default: 'adapter' }, nchw: { type: 'boolean', default: false } },
  });
  const warmUp = images(BATCH, 11);
  const batches = images(IMAGES, 5);
  const { seconds, cpuSeconds } =
    values.via === 'ort' ? await viaOrt(warmUp, batches, !values.nchw) : await viaAdapter(warmUp, batches);
  console.log(
    JSON.stringify({
      imagesPerSecond: IMAGES / seconds,
      seconds,
      cpuSecondsPerEpoch: cpuSeconds,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

void main();
