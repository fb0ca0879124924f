import { createHash } from 'node:crypto';
import { ModelFolder, readChecked, streamChecked } from './model-files';
import { checkWeightShards } from './tfjs-manifest';

/**
 * sha256 (hex) of a model's files, read under the policy of model-files.ts: the ONNX file, or a TF.js model.json
 * plus its weight shards in manifest order (the TF.js adapter's hash of the same files). Vscode-free and free of
 * TF.js and onnxruntime: the extension host hashes models with it for its result cache.
 */
export async function hashModelFiles(file: string): Promise<string> {
  const folder = await ModelFolder.of(file);
  const model = await folder.modelFile();
  const hash = createHash('sha256');
  if (!/\.json$/i.test(file)) {
    await streamChecked(model, (chunk) => hash.update(chunk));
    return hash.digest('hex');
  }
  const bytes = await readChecked(model);
  hash.update(bytes);
  for (const group of await checkWeightShards(folder, manifestOf(bytes))) {
    for (const shard of group.shards) await streamChecked(shard, (chunk) => hash.update(chunk));
  }
  return hash.digest('hex');
}

/** The weightsManifest of a model.json; none when the file is no JSON object (the engine says so when it opens it). */
function manifestOf(bytes: Buffer): unknown {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof json === 'object' && json !== null
      ? (json as { weightsManifest?: unknown }).weightsManifest
      : undefined;
  } catch {
    return undefined;
  }
}
