/**
 * TF.js models extracted on worker threads (src/engine/models/tfjs-threads.ts): the same bytes as on the main
 * thread, in probe order, and cancelling stops the threads. On a small published model (@vladmandic/human emotion,
 * 64×64×1) with a small memory budget, so that 32 samples make several runs spread over the threads.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { CancelledError } from '../../../../src/engine/cancel';
import { openModel } from '../../../../src/engine/models/index';
import { liveTfjsThreads } from '../../../../src/engine/models/tfjs-threads';
import type { ExtractOptions, InputBatch, ModelAdapter } from '../../../../src/engine/models/types';
import { MemorySink, maxAbsDiff, ROOT } from './helpers';

const EMOTION = path.join(ROOT, 'node_modules/@vladmandic/human/models/emotion.json');
const SAMPLES = 32;

/** Deterministic images in [0, 1], every sample different. */
function images(n: number, side: number): InputBatch {
  const data = new Float32Array(n * side * side);
  for (let i = 0; i < data.length; i++) data[i] = 0.5 + 0.5 * Math.sin(i * 0.37 + Math.floor(i / side ** 2) * 1.3);
  return { shape: [n, side, side, 1], data };
}

/** A sink that records how many extraction threads were running while features came in. */
class WatchingSink extends MemorySink {
  threadsSeen = 0;
  override write(layer: string, shape: number[], data: Float32Array): void {
    this.threadsSeen = Math.max(this.threadsSeen, liveTfjsThreads());
    super.write(layer, shape, data);
  }
}

/** The model's probe points. */
const probePoints = (model: ModelAdapter) =>
  model
    .layers()
    .filter((l) => l.probePoint)
    .map((l) => l.name);

async function extract(
  model: ModelAdapter,
  layers: string[],
  threads: string,
  options: ExtractOptions = {},
  sink = new WatchingSink(),
) {
  process.env.KC_TFJS_THREADS = threads;
  // ≈ 3 samples a run: 11 runs for 32 samples
  const perSample = model
    .layers()
    .filter((l) => layers.includes(l.name))
    .reduce((s, l) => s + 4 * l.shape.slice(1).reduce((a, b) => a * b, 1), 0);
  await model.extract([images(SAMPLES, model.inputShape[0])], layers, sink, {
    total: SAMPLES,
    memoryBudget: 3 * perSample,
    ...options,
  });
  return sink;
}

describe('TF.js extraction on worker threads', () => {
  const before = process.env.KC_TFJS_THREADS;
  afterEach(() => {
    if (before === undefined) delete process.env.KC_TFJS_THREADS;
    else process.env.KC_TFJS_THREADS = before;
  });

  async function sameOnThreads(file: string, layersOf: (model: ModelAdapter) => string[]): Promise<void> {
    const model = await openModel(file);
    const layers = layersOf(model);
    const one = await extract(model, layers, '1');
    assert.equal(one.threadsSeen, 0);
    const two = await extract(model, layers, '2');
    assert.equal(two.threadsSeen, 2, 'the extraction ran on two threads');
    assert.equal(liveTfjsThreads(), 0);
    for (const layer of layers) {
      const a = one.get(layer);
      const b = two.get(layer);
      assert.deepEqual(b.shape, a.shape, layer);
      assert.equal(a.shape[0], SAMPLES);
      assert.equal(maxAbsDiff(a.data, b.data), 0, layer);
    }
    await model.dispose();
  }

  it('gives the same features, in probe order, as the main thread; no thread is left running', async () => {
    await sameOnThreads(EMOTION, probePoints);
  });

  it('a TF.js layers model (samples/mnist-cnn-seed1, every layer) likewise', async () => {
    await sameOnThreads(path.join(ROOT, 'samples/mnist-cnn-seed1/tfjs/model.json'), (m) =>
      m.layers().map((l) => l.name),
    );
  });

  it('cancel stops the threads', async () => {
    const model = await openModel(EMOTION);
    const layers = probePoints(model);
    const signal = { aborted: false };
    let writes = 0;
    const sink = new (class extends WatchingSink {
      override write(layer: string, shape: number[], data: Float32Array): void {
        super.write(layer, shape, data);
        if (++writes === 1) signal.aborted = true;
      }
    })();
    await assert.rejects(extract(model, layers, '2', { signal }, sink), CancelledError);
    assert.equal(sink.threadsSeen, 2);
    assert.equal(liveTfjsThreads(), 0, 'no extraction thread runs after a cancel');
    assert.ok(sink.layers.get(layers[0])!.shape[0] < SAMPLES, 'stopped before the end');
    await model.dispose();
  });
});
