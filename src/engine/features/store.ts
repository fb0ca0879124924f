import { mkdirSync, mkdtempSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KcError } from '../errors';
import { storageError } from '../storage-error';
import type { FeatureSink } from '../models/types';
import { featureTensor, type FeatureTensor } from '../tensor';
import { firstNonFinite } from './finite';

/** Where one layer's features lie on disk: enough for another process (a queue worker) to read them. */
export interface FeatureFile {
  /** Raw float32, sample-major. */
  file: string;
  /** [N, ...per-sample shape]. */
  shape: number[];
  /** FeatureTensor.groups: per-token features' tokens per text. */
  groups?: number[];
}

interface LayerFile {
  file: string;
  /** Per-sample shape (without N) fixed by the first batch. */
  sample: number[];
  count: number;
  /** Open while the extraction writes: one open per layer, not one per batch (finish() closes it). */
  handle?: Promise<FileHandle>;
}

/**
 * A FeatureSink that keeps features on disk, not on the JS heap: each layer's float32 batches are appended to
 * one raw file (sample-major, the layout the adapter wrote), so extraction memory stays at one batch whatever
 * the probe count and however many layers are extracted. `read` loads one layer when it is needed.
 */
export class FeatureStore implements FeatureSink {
  readonly dir: string;
  /** Every layer's sample groups (FeatureTensor.groups), set by the extraction of per-token features. */
  groups?: number[];
  private readonly layers = new Map<string, LayerFile>();

  /** `dir` is created if needed and deleted by dispose(); by default a fresh folder under the OS temp dir. */
  constructor(dir?: string) {
    if (dir) mkdirSync(dir, { recursive: true });
    this.dir = dir ?? mkdtempSync(path.join(tmpdir(), 'kc-features-'));
  }

  async write(layer: string, shape: number[], data: Float32Array, checked?: { finite?: boolean }): Promise<void> {
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
    const bad = checked?.finite ? -1 : firstNonFinite(data);
    if (bad >= 0) {
      throw new KcError(
        `layer ${layer} produced ${data[bad]} for probe sample ${entry.count + Math.floor(bad / (data.length / n))}; check the model and the probe's preprocessing`,
        'non-finite',
      );
    }
    try {
      entry.handle ??= open(entry.file, 'a');
      const handle = await entry.handle;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let offset = 0; offset < bytes.length;) {
        const { bytesWritten } = await handle.write(bytes, offset, Math.min(bytes.length - offset, 1 << 30));
        offset += bytesWritten;
      }
    } catch (error) {
      throw storageError(error, `the features of ${layer} in ${this.dir}`) ?? error;
    }
    entry.count += n;
  }

  /** Closes the layers' files once the extraction has written them all (reading them needs no close). */
  async finish(): Promise<void> {
    const open = [...this.layers.values()].filter((e) => e.handle);
    await Promise.all(
      open.map(async (e) => {
        const handle = e.handle;
        e.handle = undefined;
        await (await handle!.catch(() => undefined))?.close();
      }),
    );
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

  /** The layer's file and shape, for a reader in another process (readFeatureFile). */
  file(layer: string): FeatureFile {
    const entry = this.entry(layer);
    const ref = { file: entry.file, shape: [entry.count, ...entry.sample] };
    return this.groups ? { ...ref, groups: this.groups } : ref;
  }

  /** One layer's features as a FeatureTensor (dense [N, C] becomes [N, 1, 1, C]); `samples`: only these, in order. */
  async read(layer: string, shared = false, samples?: Int32Array): Promise<FeatureTensor> {
    return readFeatureFile(this.file(layer), layer, shared, samples);
  }

  /** Deletes the cache folder and everything in it. */
  async dispose(): Promise<void> {
    await this.finish().catch(() => undefined);
    this.layers.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  private entry(layer: string): LayerFile {
    const entry = this.layers.get(layer);
    if (!entry) throw new KcError(`no features were extracted for layer "${layer}"`, 'internal');
    return entry;
  }
}

/**
 * Reads a layer's features from a FeatureStore file, in this process or another one that sees the same folder. The
 * file must be a regular file of exactly the size its shape says: anything else is a cache that changed under us.
 */
/** `shared`: in a SharedArrayBuffer, which worker threads read without a copy (onnxruntime refuses it as a tensor).
 * `samples`: only these samples, ascending (a pair too big for the memory budget is fitted on a subset; samples are
 * contiguous in the file, so this reads no more than it keeps). Not for grouped (per-token) features. */
export async function readFeatureFile(
  ref: FeatureFile,
  layer: string,
  shared = false,
  samples?: Int32Array,
): Promise<FeatureTensor> {
  const bytesExpected = 4 * ref.shape.reduce((a, b) => a * b, 1);
  if (samples && ref.groups) throw new KcError(`a subset of ${layer}'s per-token features was asked`, 'internal');
  let handle: FileHandle;
  try {
    handle = await open(ref.file, 'r');
  } catch (error) {
    throw new KcError(
      `feature cache file of ${layer} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}: ${ref.file}); was it deleted?`,
      'internal',
    );
  }
  try {
    // Checked before allocating: the shape may come from another process (a queue job).
    const info = await handle.stat();
    if (!info.isFile() || info.size !== bytesExpected) {
      throw new KcError(
        `feature cache file of ${layer} holds ${info.size} bytes, not the ${bytesExpected} of [${ref.shape.join(', ')}] (${ref.file})`,
        'internal',
      );
    }
    const perSample = bytesExpected / Math.max(1, ref.shape[0]);
    const kept = samples ?? [0];
    const length = samples ? samples.length * perSample : bytesExpected;
    const data = new Float32Array(shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length));
    const bytes = new Uint8Array(data.buffer);
    // Whole file: one run from 0; a subset: one run a sample.
    const runs = samples ? perSample : length;
    for (const [i, sample] of kept.entries()) {
      const into = bytes.subarray(i * runs, (i + 1) * runs);
      let offset = 0;
      while (offset < into.length) {
        const at = sample * perSample + offset;
        const { bytesRead } = await handle.read(into, offset, Math.min(into.length - offset, 1 << 30), at);
        if (bytesRead === 0)
          throw new KcError(
            `feature cache file of ${layer} is shorter than written (${ref.file}); was it deleted?`,
            'internal',
          );
        offset += bytesRead;
      }
    }
    const shape = samples ? [samples.length, ...ref.shape.slice(1)] : ref.shape;
    return featureTensor(shape, data, ref.groups);
  } finally {
    await handle.close();
  }
}
