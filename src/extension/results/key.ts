/** The identity of an analysis: both models' content and every setting that changes the numbers. */
import { createHash } from 'node:crypto';
import type { CompareOptions } from '../../protocol/compare';

export interface ModelHashes {
  a: string;
  b: string;
}

/**
 * Model paths, the cache folder, the queue the fits ran on and how PyTorch files were reached (interpreter, pickle consent) do not change the
 * result; the content hashes stand in for the files. A PyTorch model's input shape does.
 */
export function analysisKey(hashes: ModelHashes, options: CompareOptions): string {
  const { modelA: _a, modelB: _b, cacheDir: _c, queue: _q, pytorch, ...rest } = options;
  const keyed = pytorch?.inputShape ? { ...rest, pytorchInputShape: pytorch.inputShape } : rest;
  return createHash('sha256')
    .update(JSON.stringify({ hashes, options: sortKeys(keyed) }))
    .digest('hex')
    .slice(0, 24);
}

/** Stable JSON: the same settings in a different key order give the same key. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
