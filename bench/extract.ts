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
 *   --via tfjs     a published TF.js graph model of @vladmandic/human (--model faceres, 224×224; movenet-lightning,
 *                  192×192) on --count photo crops in --photos (scripts/photo_probes.py; synthetic noise without),
 *                  as `kc compare` extracts one side: the probe fitted to the model, every similarity-matrix layer,
 *                  into a FeatureStore on disk. KC_TFJS_THREADS=1 runs it on the main thread (as before the
 *                  extraction threads); unset, on one thread a core. Timed: the extraction, thread start included.
 *                  Also prints each OS thread's CPU seconds (/proc/self/task) and "idleImagesPerSecond": the count
 *                  over the larger of the busiest thread's CPU and all CPU over the cores — the rate an idle
 *                  machine would allow at best, readable when neighbours leave us a fraction of the cores.
 * Prints {"imagesPerSecond", "seconds", "cpuSecondsPerEpoch" (user + sys of the timed span), "maxRssMB"}.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { createSession } from '../src/engine/compute/ort-session';
import { extractFeatures } from '../src/engine/compare/extract';
import { matrixLayers } from '../src/engine/compare/matrix-layers';
import { inputTarget } from '../src/engine/compare/model-ref';
import { openModel } from '../src/engine/models';
import { threadSourceBundle } from '../src/engine/models/tfjs-threads';
import { openProbe } from '../src/engine/probes';
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

/**
 * CPU seconds of each OS thread of this process (Linux: /proc/self/task), sampled every 100 ms so that threads that
 * have ended still count with their last reading. On a shared machine the wall clock says how much of the cores the
 * neighbours left us; the busiest thread's CPU and the total over the cores bound what an idle machine would take.
 */
function threadCpu(): { stop(): Map<number, number> } {
  const seen = new Map<number, number>();
  const tick = 0.01; // seconds a tick: USER_HZ is 100 on Linux
  const sample = () => {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
        seen.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * tick);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  };
  const start = new Map<number, number>();
  sample();
  for (const [t, c] of seen) start.set(t, c);
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return new Map([...seen].map(([t, c]) => [t, c - (start.get(t) ?? 0)]));
    },
  };
}

/** One side of a compare's extraction of a published TF.js model (see the header). */
async function viaTfjs(name: string, count: number, photos: string | undefined): Promise<void> {
  const model = await openModel(`node_modules/@vladmandic/human/models/${name}.json`);
  const probe = await openProbe({ source: photos ?? 'synthetic', count }, inputTarget(model));
  const names = matrixLayers(model.layers(), [], 'A', { count }).names;
  const dir = mkdtempSync(path.join(tmpdir(), 'kc-bench-extract-'));
  // The dist bundles start dist/tfjs-thread.js; from the sources its bundle is built in memory first, not timed.
  if (process.env.KC_TFJS_THREADS !== '1') threadSourceBundle();
  const load = loadavg()[0];
  try {
    const cpu = threadCpu();
    const { seconds, cpuSeconds } = await timed(async () => {
      await extractFeatures(model, 'A', probe, undefined, names, dir, {});
    });
    const perThread = [...cpu.stop().values()].filter((c) => c >= 0.05).sort((a, b) => b - a);
    // What an idle machine would take at least: the busiest thread alone, or all the CPU spread over the cores.
    const idleSeconds = Math.max(perThread[0] ?? 0, cpuSeconds / availableParallelism());
    console.log(
      JSON.stringify({
        model: name,
        layers: names.length,
        count,
        threads: process.env.KC_TFJS_THREADS ?? 'auto',
        imagesPerSecond: count / seconds,
        seconds,
        cpuSecondsPerEpoch: cpuSeconds,
        threadCpuSeconds: perThread.map((c) => Number(c.toFixed(2))),
        idleImagesPerSecond: count / idleSeconds,
        maxRssMB: process.resourceUsage().maxRSS / 1024,
        loadavg: [load, loadavg()[0]],
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await model.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      via: { type: 'string', default: 'adapter' },
      nchw: { type: 'boolean', default: false },
      model: { type: 'string', default: 'faceres' },
      count: { type: 'string', default: '64' },
      photos: { type: 'string' },
    },
  });
  if (values.via === 'tfjs') return viaTfjs(values.model, Number(values.count), values.photos);
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
