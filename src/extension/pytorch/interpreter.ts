/**
 * Which Python runs PyTorch models for the extension: the Python extension's interpreter for the workspace when it
 * is installed, else the knowledgeConsistency.pythonPath setting, else the engine's own default (KC_PYTHON, then
 * python3 on PATH). Messages about the interpreter say where it came from and how to choose another.
 */
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { PytorchOptions } from '../../protocol/torch-helper';
import { SECTION } from '../config';

const CHOICE =
  "choose one with 'Python: Select Interpreter' (Python extension) or the knowledgeConsistency.pythonPath setting";

export async function pythonFor(
  resource: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<Pick<PytorchOptions, 'python' | 'pythonFrom' | 'pythonChoice'>> {
  const fromExtension = await activeInterpreter(resource, log);
  if (fromExtension)
    return { python: fromExtension, pythonFrom: "the Python extension's interpreter", pythonChoice: CHOICE };
  const setting = vscode.workspace.getConfiguration(SECTION, resource).get<string>('pythonPath', '').trim();
  if (setting) return { python: setting, pythonFrom: 'knowledgeConsistency.pythonPath', pythonChoice: CHOICE };
  return { pythonChoice: CHOICE };
}

/** The executable of the Python extension's active environment, or undefined (not installed, none chosen, failed). */
async function activeInterpreter(
  resource: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<string | undefined> {
  if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) return undefined;
  try {
    const environments = (await PythonExtension.api()).environments;
    const resolved = await environments.resolveEnvironment(environments.getActiveEnvironmentPath(resource));
    return resolved?.executable.uri?.fsPath;
  } catch (error) {
    log.warn(
      `pytorch: the Python extension gave no interpreter (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
}
