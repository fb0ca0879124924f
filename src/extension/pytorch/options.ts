/** How the extension opens PyTorch files: the interpreter, the user's consent to unpickle, the input shape setting. */
import * as vscode from 'vscode';
import { TORCH_FILE } from '../../engine/models/format';
import type { PytorchOptions } from '../../protocol/torch-helper';
import { SECTION } from '../config';
import { pythonFor } from './interpreter';
import type { PickleConsent } from './pickleConsent';

/**
 * The options for opening these model files; undefined when none is a PyTorch file (so ONNX and TF.js analyses
 * keep their cache keys). Throws PickleDeclined when a pickled checkpoint among them was not allowed.
 */
export async function pytorchOptionsFor(
  files: readonly string[],
  consent: PickleConsent,
  log: vscode.LogOutputChannel,
): Promise<PytorchOptions | undefined> {
  if (!files.some((f) => TORCH_FILE.test(f))) return undefined;
  const allowPickle = await consent.check(files);
  const resource = vscode.Uri.file(files[0]);
  const shape = vscode.workspace.getConfiguration(SECTION, resource).get<number[]>('pytorch.inputShape', []);
  return {
    ...(await pythonFor(resource, log)),
    ...(allowPickle ? { allowPickle } : {}),
    ...(shape.length ? { inputShape: shape } : {}),
  };
}
