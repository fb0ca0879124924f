import { mkdirSync, mkdtempSync } from 'node:fs';
import { appendFile, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KcError } from '../errors';
import type { FeatureSink } from '../models/types';
import { featureTensor, type FeatureTensor } from '../tensor';

interface LayerFile {
  file: string;
  /** Per-sample shape (without N) fixed by the first batch. */
  sample: number[];
  count: number;
}

/**
 * A FeatureSink that keeps features on disk, not on the JS heap: each layer's float32 batches are appended to
 * one raw file (sample-major, the layout the adapter wrote), so extraction memory stays at one batch whatever
 * the probe count and however many layers are extracted. `read` loads one layer when it is needed.
 */
export class FeatureStore implements FeatureSink {
  readonly dir: string;
  private readonly layers = new Map<string, LayerFile>();

  /** `dir` is created if needed and deleted by dispose(); by default a fresh folder under the OS temp dir. */
  constructor(dir?: string) {
    if (dir) mkdirSync(dir, { recursive: true });
    this.dir = dir ?? mkdtempSync(path.join(tmpdir(), 'kc-features-'));
  }

  async write(layer: string, shape: number[], data: Float32Array): Promise<void> {
    const [n, ...sample] = shape;
    if (data.length !== n * sample.reduce((a, b) => a * b, 1)) {
      throw new KcError(
        `features of ${layer}: ${data.length} values do not fill shape [${shape.join(', ')}]`,
        'internal',
      );
    }
    let entry = this.layers.get(layer);
    if (!entry) {
      entry = { file: path.join(this.dir, `${this.layers.size}.f32`), sample, count: 0 };
      this.layers.set(layer, entry);
    } else if (entry.sample.join() !== sample.join()) {
      throw new KcError(
        `features of ${layer} changed shape between batches: [${entry.sample.join(', ')}] then [${sample.join(', ')}]`,
        'shape-mismatch',
      );
    }
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      throw new KcError(
        `layer ${layer} produced ${data[bad]} for probe sample ${entry.count + Math.floor(bad / (data.length / n))}; check the model and the probe's preprocessing`,
        'non-finite',
      );
    }
    await appendFile(entry.file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    entry.count += n;
  }

  /** Layers written so far, in first-write order. */
  names(): string[] {
    return [...this.layers.keys()];
  }

  /** Samples and per-sample shape of a layer, without reading it. */
  info(layer: string): { count: number; shape: number[] } {
    const entry = this.entry(layer);
    return { count: entry.count, shape: [...entry.sample] };
  }

  /** One layer's features as a FeatureTensor (dense [N, C] becomes [N, 1, 1, C]). */
  async read(layer: string): Promise<FeatureTensor> {
    const entry = this.entry(layer);
    const data = new Float32Array(entry.count * entry.sample.reduce((a, b) => a * b, 1));
    const handle = await open(entry.file, 'r');
    try {
      const bytes = new Uint8Array(data.buffer);
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesRead } = await handle.read(bytes, offset, Math.min(bytes.length - offset, 1 << 30), offset);
        if (bytesRead === 0)
          throw new KcError(
            `feature cache file of ${layer} is shorter than written (${this.dir}); was it deleted?`,
            'internal',
          );
        offset += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return featureTensor([entry.count, ...entry.sample], data);
  }

  /** Deletes the cache folder and everything in it. */
  async dispose(): Promise<void> {
    this.layers.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  private entry(layer: string): LayerFile {
    const entry = this.layers.get(layer);
    if (!entry) throw new KcError(`no features were extracted for layer "${layer}"`, 'internal');
    return entry;
  }
}

function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}
