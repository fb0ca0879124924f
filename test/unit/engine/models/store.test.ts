import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FeatureStore } from '../../../../src/engine/features/store';
import { openModel } from '../../../../src/engine/models/index';
import type { InputBatch } from '../../../../src/engine/models/types';
import { ROOT } from './helpers';

/** A full garbage collection, so that memory samples count live objects, not garbage V8 has not collected yet. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('FeatureStore', () => {
  it('appends batches per layer on disk and reads them back as FeatureTensors', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'kc-store-test-'));
    const store = new FeatureStore(path.join(parent, 'a'));
    await store.write(
      'conv',
      [2, 1, 2, 3],
      Float32Array.from({ length: 12 }, (_, i) => i),
    );
    await store.write(
      'dense',
      [2, 4],
      Float32Array.from({ length: 8 }, (_, i) => -i),
    );
    await store.write(
      'conv',
      [1, 1, 2, 3],
      Float32Array.from({ length: 6 }, (_, i) => 100 + i),
    );
    assert.deepEqual(store.names(), ['conv', 'dense']);
    assert.deepEqual(store.info('conv'), { count: 3, shape: [1, 2, 3] });
    const conv = await store.read('conv');
    assert.deepEqual(conv.shape, [3, 1, 2, 3]);
    assert.deepEqual([...conv.data], [...Array.from({ length: 12 }, (_, i) => i), 100, 101, 102, 103, 104, 105]);
    const dense = await store.read('dense');
    assert.deepEqual(dense.shape, [2, 1, 1, 4]);
    assert.equal(readdirSync(store.dir).length, 2);
    await assert.rejects(
      store.write('conv', [1, 2, 2, 3], new Float32Array(12)),
      /conv changed shape between batches: \[1, 2, 3\] then \[2, 2, 3\]/,
    );
    await assert.rejects(
      store.write('nan', [2, 2], Float32Array.of(0, 1, NaN, 3)),
      /layer nan produced NaN for probe sample 1/,
    );
    await assert.rejects(store.read('missing'), /no features were extracted for layer "missing"/);
    await store.dispose();
    assert.equal(existsSync(store.dir), false);
    rmSync(parent, { recursive: true });
  });

  it('extracts every layer of a 240-layer model with bounded memory (features on disk, not on the heap)', async (t) => {
    const model = await openModel(path.join(ROOT, 'test/fixtures/models/deep-narrow.onnx'));
    const layers = model.layers();
    assert.equal(layers.length, 240);
    assert.deepEqual(layers[239], {
      name: 'relu120',
      kind: 'activation',
      shape: [-1, 8, 8, 4],
      depth: 239,
      probePoint: true,
      op: 'Relu',
    });
    const count = 400;
    const batchOf = (n: number, seed: number): InputBatch => ({
      shape: [n, 8, 8, 1],
      data: Float32Array.from({ length: n * 64 }, (_, i) => Math.sin(seed * 7919 + i)),
    });
    const inputs = function* () {
      for (let i = 0; i < count; i += 50) yield batchOf(50, i);
    };
    const store = new FeatureStore();
    gc();
    const before = process.memoryUsage();
    const peak = { heap: 0, external: 0, rss: 0 };
    let writes = 0;
    const sink = {
      write: async (layer: string, shape: number[], data: Float32Array) => {
        await store.write(layer, shape, data);
        // Sampled mid-run (the run's outputs are alive): live heap and array buffers after a GC, and RSS.
        if (writes++ % 240 !== 120) return;
        peak.rss = Math.max(peak.rss, process.memoryUsage().rss - before.rss);
        gc();
        const m = process.memoryUsage();
        peak.heap = Math.max(peak.heap, m.heapUsed - before.heapUsed);
        peak.external = Math.max(peak.external, m.arrayBuffers - before.arrayBuffers);
      },
    };
    const started = performance.now();
    await model.extract(
      inputs(),
      layers.map((l) => l.name),
      sink,
      { memoryBudget: 8 * 2 ** 20 },
    );
    const seconds = (performance.now() - started) / 1000;
    const total = count * 240 * 256 * 4;
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    t.diagnostic(
      `${count} samples × 240 layers = ${mb(total)} of features in ${seconds.toFixed(1)} s; peak growth: live heapUsed ${mb(peak.heap)}, live arrayBuffers ${mb(peak.external)}, rss ${mb(peak.rss)}`,
    );
    assert.ok(
      peak.heap + peak.external < total / 4,
      `live memory grew by ${mb(peak.heap + peak.external)} for ${mb(total)} of features`,
    );
    // Every layer holds all samples, and each relu really is max(0, conv) of the same samples.
    for (const i of [1, 60, 120]) {
      const conv = await store.read(`conv${i}`);
      const relu = await store.read(`relu${i}`);
      assert.deepEqual(relu.shape, [count, 8, 8, 4]);
      for (let j = 0; j < conv.data.length; j += 97) assert.equal(relu.data[j], Math.max(0, conv.data[j]));
    }
    assert.equal(store.names().length, 240);
    await store.dispose();
    await model.dispose();
  });
});
