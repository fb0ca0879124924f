/**
 * Pickled PyTorch checkpoints (torch.save(model)) are loaded only in a trusted workspace and after the user says so
 * in a modal that tells what unpickling does: it runs any code the file contains. The answer holds for the file as
 * it is (path, size and modification time) until the window closes.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { readModelFormat } from '../../engine/models/format';
import { isTrustedOrExplain } from '../trust';

/** The user did not allow a pickled checkpoint to be loaded. */
export class PickleDeclined extends Error {
  constructor(file: string) {
    super(
      `${path.basename(file)} was not loaded: it is a pickled checkpoint, and unpickling it (which runs its code) was not allowed`,
    );
    this.name = 'PickleDeclined';
  }
}

const LOAD = 'Load and Run Its Code';

export class PickleConsent {
  /** Allowed files: path → size and modification time when allowed. */
  private readonly allowed = new Map<string, string>();

  /** Whether any of the files is a pickled checkpoint; each one must be allowed (else PickleDeclined). */
  async check(files: readonly string[]): Promise<boolean> {
    let pickles = false;
    for (const file of files) {
      if ((await readModelFormat(file)) !== 'torch-pickle') continue;
      pickles = true;
      const identity = await identityOf(file);
      if (this.allowed.get(file) === identity) continue;
      if (!isTrustedOrExplain('load pickled PyTorch checkpoints') || !(await ask(file))) throw new PickleDeclined(file);
      this.allowed.set(file, identity);
    }
    return pickles;
  }
}

async function ask(file: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `${path.basename(file)} is a pickled PyTorch checkpoint. Load it?`,
    {
      modal: true,
      detail: `Loading it unpickles it, and unpickling runs any code the file contains, with your permissions. Load it only if you trust where it came from.\n\nA TorchScript file (torch.jit.script(model).save(...)) needs no unpickling.\n\n${file}`,
    },
    LOAD,
  );
  return choice === LOAD;
}

async function identityOf(file: string): Promise<string> {
  const info = await stat(file);
  return `${info.size}:${info.mtimeMs}`;
}
