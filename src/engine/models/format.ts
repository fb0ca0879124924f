/**
 * Which files are models, decided the same way by the engine and by the extension's discovery (it may import this
 * file): ONNX by extension, TF.js by content, so a model.json of any name is found and other JSON is not; PyTorch
 * files (.pt, .pth, .pt2) by what their archive holds, so a state_dict is not listed as a model.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ModelRef } from '../../protocol/report';
import { torchFileKind, type TorchFileKind } from './torch-archive';

export type ModelFormat = ModelRef['format'];

/** How much of a .json file to read: converters write modelTopology first, so the head shows it. */
export const MODEL_HEAD_BYTES = 64 * 1024;

/** A TF.js model.json: `modelTopology` plus `format` or `weightsManifest`; graph or layers model. */
export function tfjsFormatOf(json: unknown): 'tfjs-layers' | 'tfjs-graph' | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const j = json as { modelTopology?: Record<string, unknown>; format?: unknown; weightsManifest?: unknown };
  if (
    !j.modelTopology ||
    typeof j.modelTopology !== 'object' ||
    (j.format === undefined && j.weightsManifest === undefined)
  )
    return undefined;
  if (j.format === 'graph-model') return 'tfjs-graph';
  if (j.format === 'layers-model') return 'tfjs-layers';
  // Older converters wrote no `format`: a GraphDef has nodes, a Keras topology has a class name or model_config.
  return Array.isArray(j.modelTopology.node) ? 'tfjs-graph' : 'tfjs-layers';
}

/** PyTorch files by name; what they hold decides whether and which model they are (torch-archive.ts). */
export const TORCH_FILE = /\.(pt|pth|pt2)$/i;

/**
 * The format of a file from its name and, for .json files, the first MODEL_HEAD_BYTES of its text; for PyTorch
 * files, from what their archive holds.
 */
export function modelFormatOf(
  fileName: string,
  head: string | undefined,
  torchKind?: TorchFileKind,
): ModelFormat | undefined {
  if (/\.onnx$/i.test(fileName)) return 'onnx';
  if (TORCH_FILE.test(fileName)) return torchKind === 'weights' ? undefined : torchKind;
  if (!/\.json$/i.test(fileName) || head === undefined || !/"modelTopology"\s*:/.test(head)) return undefined;
  try {
    return tfjsFormatOf(JSON.parse(head));
  } catch {
    // Larger than the head (a big topology): the key is the evidence; the full parse decides later.
    return /"graph-model"/.test(head) || /"node"\s*:\s*\[/.test(head) ? 'tfjs-graph' : 'tfjs-layers';
  }
}

/** The format of a file on disk, reading what its name says to read: a .json's head, a PyTorch file's archive. */
export async function readModelFormat(file: string): Promise<ModelFormat | undefined> {
  if (/\.json$/i.test(file)) return modelFormatOf(file, await readFileHead(file));
  if (TORCH_FILE.test(file)) return modelFormatOf(file, undefined, await torchFileKind(file));
  return modelFormatOf(file, undefined);
}

/**
 * The first `bytes` of a file as text, or undefined when it is not a regular file or cannot be read. Opened
 * non-blocking and checked on the open handle: a FIFO or a device named *.json never blocks discovery.
 */
export async function readFileHead(file: string, bytes = MODEL_HEAD_BYTES): Promise<string | undefined> {
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) return undefined;
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
