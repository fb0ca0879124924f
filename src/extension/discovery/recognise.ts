/** Which files are models: ONNX by extension, TF.js by content (a model.json has modelTopology or weightsManifest). */
import { open } from 'node:fs/promises';
import * as vscode from 'vscode';

export type ModelFileFormat = 'onnx' | 'tfjs';

/** Converters write modelTopology first; weightsManifest may come last, after a large topology. */
const HEAD_BYTES = 64 * 1024;
const TFJS_KEY = /"(?:modelTopology|weightsManifest)"\s*:/;

export function looksLikeTfjsModel(jsonHead: string): boolean {
  return TFJS_KEY.test(jsonHead);
}

/** The model format of a file, or undefined when it is not a model (or cannot be read). */
export async function recogniseModelFile(uri: vscode.Uri): Promise<ModelFileFormat | undefined> {
  const lower = uri.path.toLowerCase();
  if (lower.endsWith('.onnx')) return 'onnx';
  if (!lower.endsWith('.json')) return undefined;
  try {
    return looksLikeTfjsModel(await readHead(uri)) ? 'tfjs' : undefined;
  } catch {
    return undefined; // deleted between the event and the read, or unreadable: not a model we can use
  }
}

async function readHead(uri: vscode.Uri): Promise<string> {
  if (uri.scheme !== 'file') return Buffer.from(await vscode.workspace.fs.readFile(uri)).subarray(0, HEAD_BYTES).toString('utf8');
  const handle = await open(uri.fsPath, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
