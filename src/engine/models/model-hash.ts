import { createHash } from 'node:crypto';
import { ModelFolder, readChecked, streamChecked, type CheckedFile } from './model-files';
import { checkWeightShards } from './tfjs-manifest';
import { tokenizerFiles } from './tokenizer-file';

/**
 * sha256 (hex) of a model's files, read under the policy of model-files.ts: the ONNX file (with the tokenizer.json and
 * tokenizer_config.json beside it, when there are), or a TF.js model.json plus its weight shards in manifest order (the
 * TF.js adapter's hash of the same files). Vscode-free and free of TF.js and onnxruntime: the extension host hashes
 * models with it for its result cache.
 */
export async function hashModelFiles(file: string): Promise<string> {
  const { model, bytes, shards } = await modelFiles(file);
  const hash = createHash('sha256');
  if (!bytes) await streamChecked(model, (chunk) => hash.update(chunk));
  else hash.update(bytes);
  for (const shard of shards) await streamChecked(shard, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/**
 * The real paths of the weight files a model reads besides itself (a TF.js model's shards), for the CLI's refusal
 * to write a report over one of them; none when the model cannot be read (opening it says why).
 */
export async function weightFilePaths(file: string): Promise<string[]> {
  try {
    return (await modelFiles(file)).shards.map((shard) => shard.path);
  } catch {
    return [];
  }
}

/** The model file checked, a model.json's bytes (read once), and its weight shards in manifest order. */
async function modelFiles(file: string): Promise<{ model: CheckedFile; bytes?: Buffer; shards: CheckedFile[] }> {
  const folder = await ModelFolder.of(file);
  const model = await folder.modelFile();
  // a sequence model's tokenizer decides what it is fed: a changed tokenizer.json is a changed model
  if (/\.onnx$/i.test(file)) return { model, shards: await tokenizerFiles(folder) };
  if (!/\.json$/i.test(file)) return { model, shards: [] };
  const bytes = await readChecked(model);
  const groups = await checkWeightShards(folder, manifestOf(bytes));
  return { model, bytes, shards: groups.flatMap((group) => group.shards) };
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
