/** Which files are models: the engine's rule (engine/models/format.ts) on the file's name and head. */
import * as vscode from 'vscode';
import { MODEL_HEAD_BYTES, modelFormatOf, readFileHead, readModelFormat, TORCH_FILE } from '../../engine/models/format';

export type ModelFileFormat = 'onnx' | 'tfjs' | 'torchscript' | 'torch-export' | 'torch-pickle';

/** How the views name a format. */
export const FORMAT_NAMES: Record<ModelFileFormat, string> = {
  onnx: 'ONNX',
  tfjs: 'TF.js',
  torchscript: 'TorchScript',
  'torch-export': 'torch.export',
  'torch-pickle': 'PyTorch pickle',
};

/** The model files the views and commands accept, for messages. */
export const MODEL_FILES_TEXT = 'ONNX files (*.onnx), TF.js models (model.json) or PyTorch models (*.pt, *.pth, *.pt2)';

/** The model format of a file, or undefined when it is not a model (or cannot be read). */
export async function recogniseModelFile(uri: vscode.Uri): Promise<ModelFileFormat | undefined> {
  // A PyTorch file is told by its archive's directory, read on disk only: the engine opens local files alone.
  if (TORCH_FILE.test(uri.path))
    return uri.scheme === 'file' ? torchFormat(await readModelFormat(uri.fsPath)) : undefined;
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

function torchFormat(format: string | undefined): ModelFileFormat | undefined {
  return format === 'torchscript' || format === 'torch-export' || format === 'torch-pickle' ? format : undefined;
}

async function readHead(uri: vscode.Uri): Promise<string | undefined> {
  if (uri.scheme !== 'file')
    return Buffer.from(await vscode.workspace.fs.readFile(uri))
      .subarray(0, MODEL_HEAD_BYTES)
      .toString('utf8');
  return readFileHead(uri.fsPath);
}
