import { open } from 'node:fs/promises';
import path from 'node:path';
import { KcError, ModelParseError } from '../errors';
import type { ModelRef } from '../../protocol/report';
import { openOnnx } from './onnx';
import { readTfjsFiles, tfjsFormatOf } from './tfjs-files';
import { openTfjsGraph } from './tfjs-graph';
import { openTfjsLayers } from './tfjs-layers';
import type { ModelAdapter } from './types';

export type ModelFormat = ModelRef['format'];

/**
 * The format of a model file: ONNX by extension (or protobuf content), TF.js by content — a JSON object with
 * `modelTopology` plus `format` or `weightsManifest` (any file name). Undefined when it is neither.
 */
export async function detectFormat(file: string): Promise<ModelFormat | undefined> {
  if (/\.onnx$/i.test(file)) return 'onnx';
  if (!/\.json$/i.test(file)) return undefined;
  const head = await readHead(file, 1 << 16);
  if (head === undefined || !/"modelTopology"/.test(head)) return undefined;
  try {
    return tfjsFormatOf(JSON.parse(head));
  } catch {
    // Larger than the head read (a big topology): the key check above is the evidence; the full parse decides later.
    return /"graph-model"/.test(head) || /"node"\s*:\s*\[/.test(head) ? 'tfjs-graph' : 'tfjs-layers';
  }
}

/** Opens a model file with the adapter for its format. Errors name the file and say what to do. */
export async function openModel(file: string): Promise<ModelAdapter> {
  if (/\.onnx$/i.test(file)) return openOnnx(file);
  if (/\.json$/i.test(file)) {
    const files = await readTfjsFiles(file);
    return files.format === 'tfjs-graph' ? openTfjsGraph(file, files) : openTfjsLayers(file, files);
  }
  if ((await readHead(file, 0)) === undefined) throw new KcError(`model file not found: ${file}`);
  throw new ModelParseError(`${path.basename(file)} is not a model kc reads: give an .onnx file or a TF.js model.json`, file);
}

async function readHead(file: string, bytes: number): Promise<string | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
