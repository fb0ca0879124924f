/** Which files are models: the engine's rule (engine/models/format.ts) on the file's name and head. */
import * as vscode from 'vscode';
import { MODEL_HEAD_BYTES, modelFormatOf, readFileHead } from '../../engine/models/format';

export type ModelFileFormat = 'onnx' | 'tfjs';

/** The model format of a file, or undefined when it is not a model (or cannot be read). */
export async function recogniseModelFile(uri: vscode.Uri): Promise<ModelFileFormat | undefined> {
  const isJson = uri.path.toLowerCase().endsWith('.json');
  let head: string | undefined;
  try {
    head = isJson ? await readHead(uri) : undefined;
  } catch {
    return undefined; // deleted between the event and the read, or unreadable: not a model we can use
  }
  const format = modelFormatOf(uri.path, head);
  return format === undefined ? undefined : format === 'onnx' ? 'onnx' : 'tfjs';
}

async function readHead(uri: vscode.Uri): Promise<string | undefined> {
  if (uri.scheme !== 'file')
    return Buffer.from(await vscode.workspace.fs.readFile(uri))
      .subarray(0, MODEL_HEAD_BYTES)
      .toString('utf8');
  return readFileHead(uri.fsPath);
}
