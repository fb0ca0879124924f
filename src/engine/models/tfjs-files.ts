import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelParseError } from '../errors';
import { readModelFile } from './files';

type ModelJSON = tf.io.ModelJSON;
type Entry = tf.io.WeightsManifestEntry;

/** A TF.js model.json with its weight shards read from disk (never fetched), checked against the manifest. */
export interface TfjsFiles {
  json: ModelJSON;
  format: 'tfjs-layers' | 'tfjs-graph';
  /** The IO handler TF.js loads from: the artifacts are already in memory. */
  handler: tf.io.IOHandler;
  /** sha256 over model.json and the shards in manifest order. */
  sha256: string;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** What a parsed model.json is, judged by content: `modelTopology` plus `format` or `weightsManifest`. */
export function tfjsFormatOf(json: unknown): 'tfjs-layers' | 'tfjs-graph' | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const j = json as { modelTopology?: Record<string, unknown>; format?: unknown; weightsManifest?: unknown };
  if (!j.modelTopology || typeof j.modelTopology !== 'object' || (j.format === undefined && j.weightsManifest === undefined)) return undefined;
  if (j.format === 'graph-model') return 'tfjs-graph';
  if (j.format === 'layers-model') return 'tfjs-layers';
  // Older converters wrote no `format`: a GraphDef has nodes, a Keras topology has a class name or model_config.
  return Array.isArray(j.modelTopology.node) ? 'tfjs-graph' : 'tfjs-layers';
}

export async function readTfjsFiles(file: string): Promise<TfjsFiles> {
  const bytes = await readModelFile(file);
  let json: ModelJSON;
  try {
    json = JSON.parse(bytes.toString('utf8')) as ModelJSON;
  } catch (e) {
    throw new ModelParseError(`${file} is not valid JSON (${(e as Error).message}); the file looks truncated or corrupt`, file);
  }
  const format = tfjsFormatOf(json);
  if (!format) throw new ModelParseError(`${file} is not a TF.js model: it lacks "modelTopology" and "format"/"weightsManifest"`, file);
  const hash = createHash('sha256').update(bytes);
  const specs: Entry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    let expected = 0;
    let known = true;
    for (const w of group.weights ?? []) {
      const per = BYTES[w.quantization?.dtype ?? w.dtype];
      if (per === undefined) known = false;
      else expected += per * w.shape.reduce((a, b) => a * b, 1);
    }
    let got = 0;
    for (const shard of group.paths ?? []) {
      const shardPath = path.resolve(path.dirname(file), shard);
      let data: Buffer;
      try {
        data = await readFile(shardPath);
      } catch {
        throw new ModelParseError(`${file}: weight shard "${shard}" named in its weightsManifest is missing (looked for ${shardPath})`, file);
      }
      hash.update(data);
      buffers.push(data);
      got += data.length;
    }
    if (known && got !== expected) {
      throw new ModelParseError(`${file}: weight shards ${(group.paths ?? []).join(', ')} hold ${got} bytes but the manifest needs ${expected}; a shard is truncated or belongs to another model`, file);
    }
    specs.push(...(group.weights ?? []));
  }
  const weightData = concat(buffers);
  const handler: tf.io.IOHandler = {
    load: () => tf.io.getModelArtifactsForJSON(json, async () => [specs, weightData]),
  };
  return { json, format, handler, sha256: hash.digest('hex') };
}

function concat(buffers: Buffer[]): ArrayBuffer {
  const total = buffers.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(b, offset);
    offset += b.length;
  }
  return out.buffer;
}
