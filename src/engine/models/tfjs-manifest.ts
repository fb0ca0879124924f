import type * as tf from '@tensorflow/tfjs';
import { ModelParseError } from '../errors';
import { quoteRef, type CheckedFile, type ModelFolder } from './model-files';

type Entry = tf.io.WeightsManifestEntry;

/** One weightsManifest group: its weights, and its shards checked (model-files.ts) but not read. */
export interface ShardGroup {
  weights: Entry[];
  shards: CheckedFile[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/**
 * Checks a model.json's weightsManifest before any weight is read: its structure, every shard against the
 * model-file policy, each shard listed once, and each group's shard sizes against the bytes its weights declare
 * (groups with a dtype of unknown size are not size-checked).
 */
export async function checkWeightShards(folder: ModelFolder, manifest: unknown): Promise<ShardGroup[]> {
  const fail = (why: string) => new ModelParseError(`${folder.file}: ${why}`, folder.file);
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) throw fail('its weightsManifest is not a list of weight groups');
  const groups: ShardGroup[] = [];
  for (const [g, group] of manifest.entries()) {
    if (!isObject(group)) throw fail(`weightsManifest group ${g + 1} is not an object`);
    const paths = listOf(group.paths, () => fail(`weightsManifest group ${g + 1} has no list of "paths"`));
    const weights = listOf(group.weights, () => fail(`weightsManifest group ${g + 1} has no list of "weights"`));
    const expected = declaredBytes(weights, (w) =>
      fail(
        `weight ${quoteRef(isObject(w) ? w.name : w)} in weightsManifest group ${g + 1} has no valid name, dtype and shape`,
      ),
    );
    const shards: CheckedFile[] = [];
    for (const shard of paths)
      shards.push(
        await folder.reference(shard, `weight shard ${quoteRef(shard)} named in its weightsManifest`, { unique: true }),
      );
    const got = shards.reduce((s, f) => s + f.size, 0);
    if (expected !== undefined && got !== expected) {
      throw fail(
        `weight shards ${shardList(paths)} hold ${got} bytes but the manifest needs ${expected}; a shard is truncated or belongs to another model`,
      );
    }
    groups.push({ weights: weights as Entry[], shards });
  }
  return groups;
}

/** The bytes a group's weights take, or undefined when a dtype's size is unknown. */
function declaredBytes(weights: unknown[], invalid: (w: unknown) => Error): number | undefined {
  let total: number | undefined = 0;
  for (const w of weights) {
    if (!isObject(w) || typeof w.name !== 'string' || typeof w.dtype !== 'string' || !isShape(w.shape))
      throw invalid(w);
    const quantized = isObject(w.quantization) ? w.quantization.dtype : undefined;
    const dtype = typeof quantized === 'string' ? quantized : w.dtype;
    const per = Object.hasOwn(BYTES, dtype) ? BYTES[dtype] : undefined;
    if (per === undefined) total = undefined;
    else if (total !== undefined) total += per * w.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}

function listOf(value: unknown, invalid: () => Error): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid();
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first few shard names of a group, for a message that stays one readable line. */
function shardList(paths: unknown[]): string {
  const named = paths.slice(0, 3).map(quoteRef).join(', ');
  return paths.length > 3 ? `${named} … (${paths.length} in all)` : named;
}
