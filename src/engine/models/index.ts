import path from 'node:path';
import { KcError, ModelParseError } from '../errors';
import { readFileHead, readModelFormat, TORCH_FILE, type ModelFormat } from './format';
import { openOnnx } from './onnx';
import { openPytorch } from './pytorch';
import { readTfjsFiles } from './tfjs-files';
import { openTfjsGraph } from './tfjs-graph';
import { openTfjsLayers } from './tfjs-layers';
import type { ModelAdapter, ModelOpenOptions } from './types';

export type { ModelFormat };

/** The format of a model file (see format.ts); undefined when it is not a model kc reads. */
export async function detectFormat(file: string): Promise<ModelFormat | undefined> {
  return readModelFormat(file);
}

/** Opens a model file with the adapter for its format. Errors name the file and say what to do. */
export async function openModel(file: string, options: ModelOpenOptions = {}): Promise<ModelAdapter> {
  if (/\.onnx$/i.test(file)) return openOnnx(file);
  if (TORCH_FILE.test(file)) return openPytorch(file, options);
  if (/\.json$/i.test(file)) {
    const files = await readTfjsFiles(file);
    return files.format === 'tfjs-graph' ? openTfjsGraph(file, files) : openTfjsLayers(file, files);
  }
  if ((await readFileHead(file, 0)) === undefined) throw new KcError(`model file not found: ${file}`);
  throw new ModelParseError(
    `${path.basename(file)} is not a model kc reads: give an .onnx file, a TF.js model.json or a PyTorch file (.pt, .pth, .pt2)`,
    file,
  );
}
