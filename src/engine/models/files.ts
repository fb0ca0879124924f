import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KcError } from '../errors';

/** Reads a model file, turning "missing" and "unreadable" into one-line messages. */
export async function readModelFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KcError(`model file not found: ${file}`);
    if (code === 'EISDIR') throw new KcError(`${file} is a folder; give the model file (model.onnx or model.json)`);
    throw new KcError(`cannot read model file ${file}: ${(e as Error).message}`);
  }
}

/** Folder names that say where a model sits in a project rather than which model it is. */
const GENERIC_DIRS = new Set(['tfjs', 'onnx', 'model', 'models', 'web_model', 'tfjs_model', 'graph_model', 'layers_model']);

/** "samples/mnist-cnn-seed1/tfjs/model.json" → "mnist-cnn-seed1"; "nets/resnet18.onnx" → "resnet18". */
export function modelDisplayName(file: string): string {
  const base = path.basename(file).replace(/\.(onnx|json)$/i, '');
  if (base !== 'model') return base;
  let dir = path.dirname(path.resolve(file));
  // Ends: each step moves to the parent folder and stops at the root, whatever the folder names are.
  while (GENERIC_DIRS.has(path.basename(dir).toLowerCase()) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.basename(dir) || base;
}
