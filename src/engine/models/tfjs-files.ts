import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { ModelParseError } from '../errors';
import { tfjsFormatOf } from './format';
import { ModelFolder, oneLine, readChecked } from './model-files';
import { checkWeightShards } from './tfjs-manifest';

type ModelJSON = tf.io.ModelJSON;
type Entry = tf.io.WeightsManifestEntry;

/** A TF.js model.json with its weight shards read from disk (never fetched), checked first (tfjs-manifest.ts). */
export interface TfjsFiles {
  json: ModelJSON;
  format: 'tfjs-layers' | 'tfjs-graph';
  /** The IO handler TF.js loads from: the artifacts are already in memory. */
  handler: tf.io.IOHandler;
  /** sha256 over model.json and the shards in manifest order. */
  sha256: string;
}

export async function readTfjsFiles(file: string): Promise<TfjsFiles> {
  const folder = await ModelFolder.of(file);
  const bytes = await readChecked(await folder.modelFile());
  let json: ModelJSON;
  try {
    json = JSON.parse(bytes.toString('utf8')) as ModelJSON;
  } catch (e) {
    throw new ModelParseError(
      `${file} is not valid JSON (${oneLine((e as Error).message)}); the file looks truncated or corrupt`,
      file,
    );
  }
  const format = tfjsFormatOf(json);
  if (!format)
    throw new ModelParseError(
      `${file} is not a TF.js model: it lacks "modelTopology" and "format"/"weightsManifest"`,
      file,
    );
  const hash = createHash('sha256').update(bytes);
  const specs: Entry[] = [];
  const buffers: Buffer[] = [];
  for (const group of await checkWeightShards(folder, json.weightsManifest)) {
    for (const shard of group.shards) {
      const data = await readChecked(shard);
      hash.update(data);
      buffers.push(data);
    }
    specs.push(...group.weights);
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
