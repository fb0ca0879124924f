import { readFile } from 'node:fs/promises';
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

export { modelDisplayName } from '../../protocol/names';
