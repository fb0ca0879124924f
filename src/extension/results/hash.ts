/** Content hashes of model files: the cache key of an analysis, and how a changed file is told from a touched one. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** sha256 (hex) of the model's files: the ONNX file, or a TF.js model.json plus the weight files it lists. */
export async function hashModelFiles(modelPath: string): Promise<string> {
  const hash = createHash('sha256');
  await feed(hash, modelPath);
  if (modelPath.toLowerCase().endsWith('.json')) {
    for (const weights of await weightFiles(modelPath)) await feed(hash, weights);
  }
  return hash.digest('hex');
}

async function weightFiles(modelJson: string): Promise<string[]> {
  try {
    const manifest = (JSON.parse(await readFile(modelJson, 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> }).weightsManifest ?? [];
    return manifest.flatMap((group) => group.paths ?? []).map((p) => path.resolve(path.dirname(modelJson), p));
  } catch {
    return []; // not parseable JSON: the engine will say so when it opens the model
  }
}

function feed(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve());
  });
}
