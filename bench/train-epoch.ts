/**
 * Child process of bench/run.mjs: the same training epochs as bench/torch_ref.py on our ORT backend.
 * Prints one JSON line: {"epochSeconds", "stepSeconds", "cpuSecondsPerEpoch", "maxRssMB", "backend"}.
 * Usage: node --import tsx bench/train-epoch.ts --n 64 --hw 14 --c 128 --batches 4 --epochs 3
 */
import { parseArgs } from 'node:util';
import { weightShapes } from '../src/engine/compute/onnx-graph';
import { createOrtBackend } from '../src/engine/compute/ort-backend';
import type { DisentanglerSpec } from '../src/engine/compute/types';

function randn(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string' },
      hw: { type: 'string' },
      c: { type: 'string' },
      batches: { type: 'string', default: '4' },
      epochs: { type: 'string', default: '3' },
    },
  });
  const [n, hw, c, batches, epochs] = [values.n, values.hw, values.c, values.batches, values.epochs].map(Number);
  const spec: DisentanglerSpec = {
    orders: 2,
    kernel: 3,
    channelsA: c,
    channelsB: c,
    height: hw,
    width: hw,
    alpha: 0.1,
    weightDecay: 1e-4,
    hiddenScale: 'sample',
  };
  let state = 12345;
  const next = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const randomArray = (size: number, scale: number): Float32Array =>
    Float32Array.from({ length: size }, () => randn(next) * scale);
  const size = n * c * hw * hw;
  const data = Array.from({ length: batches }, () => ({ n, x: randomArray(size, 1), y: randomArray(size, 1) }));
  // Kaiming normal, fan-out, as the reference
  const weights = weightShapes(spec).map(([o, i, k]) => randomArray(o * i * k * k, Math.sqrt(2 / (o * k * k))));
  const backend = await createOrtBackend();
  const model = await backend.create(spec, { weights, betas: new Float32Array(spec.orders) });
  await model.trainStep(data[0], 1e-4); // warm-up
  const epochSeconds: number[] = [];
  const stepSeconds: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    for (const batch of data) {
      const s0 = performance.now();
      await model.trainStep(batch, 1e-4);
      stepSeconds.push((performance.now() - s0) / 1000);
    }
    epochSeconds.push((performance.now() - t0) / 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  await model.dispose();
  const cpuSecondsPerEpoch = (cpu.user + cpu.system) / 1e6 / epochs;
  console.log(
    JSON.stringify({
      epochSeconds,
      stepSeconds,
      cpuSecondsPerEpoch,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      backend: backend.info,
    }),
  );
}

void main();
