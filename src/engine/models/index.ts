import path from 'node:path';
import { KcError, ModelParseError } from '../errors';
import { modelFormatOf, readFileHead, type ModelFormat } from './format';
import { openOnnx } from './onnx';
import { readTfjsFiles } from './tfjs-files';
import { openTfjsGraph } from './tfjs-graph';
import { openTfjsLayers } from './tfjs-layers';
import type { ModelAdapter } from './types';

export type { ModelFormat };

/** The format of a model file (see format.ts); undefined when it is not a model kc reads. */
export async function detectFormat(file: string): Promise<ModelFormat | undefined> {
  return modelFormatOf(file, /\.json$/i.test(file) ? await readFileHead(file) : undefined);
}

/** Opens a model file with the adapter for its format. Errors name the file and say what to do. */
export async function openModel(file: string): Promise<ModelAdapter> {
  if (/\.onnx$/i.test(file)) return openOnnx(file);
  if (/\.json$/i.test(file)) {
    const files = await readTfjsFiles(file);
    return files.format === 'tfjs-graph' ? openTfjsGraph(file, files) : openTfjsLayers(file, files);
  }
  if ((await readFileHead(file, 0)) === undefined) throw new KcError(`model file not found: ${file}`);
  throw new ModelParseError(
    `${path.basename(file)} is not a model kc reads: give an .onnx file or a TF.js model.json`,
    file,
  );
}
