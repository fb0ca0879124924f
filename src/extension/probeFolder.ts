/**
 * The default probe is MNIST digits, which say little about a colour or larger-input model (a face detector, an
 * ImageNet classifier). Before such a compare starts, the user is asked once for a folder of images like the models'
 * data; the folder is remembered per workspace (workspaceState) and used for later compares whose models MNIST does
 * not fit. A probe chosen in the settings or the wizard is never replaced. The decision itself: probeSource.ts.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { readModelFormat } from '../engine/models/format';
import type { ListLayersResult } from '../protocol/worker.protocol';
import { probeFor } from './probeSource';

/** workspaceState key of the remembered image folder (an absolute path). */
export const PROBE_FOLDER_KEY = 'knowledgeConsistency.probeFolder';

export interface ProbeFolderDeps {
  state: vscode.Memento;
  describeModel(path: string): Promise<ListLayersResult>;
}

/** The probe source to run `models` with (probeSource.ts probeFor); undefined when the user cancels. */
export function probeForModels(
  deps: ProbeFolderDeps,
  models: vscode.Uri[],
  source: string,
): Promise<string | undefined> {
  // Restricted Mode: the worker does not open models; the engine's warning still says MNIST does not fit
  if (!vscode.workspace.isTrusted) return Promise.resolve(source);
  return probeFor(
    source,
    models.map((uri) => ({
      name: vscode.workspace.asRelativePath(uri),
      inputShape: () => inputShapeOf(deps, uri.fsPath),
    })),
    {
      remembered: async () => {
        const folder = deps.state.get<string>(PROBE_FOLDER_KEY);
        return folder && (await stat(folder).catch(() => undefined))?.isDirectory() ? folder : undefined;
      },
      remember: (folder) => Promise.resolve(deps.state.update(PROBE_FOLDER_KEY, folder)),
      ask,
    },
  );
}

/**
 * Input shapes read before, by file and modification time: the worker answers only between its batches, so asking it
 * again while a compare runs would hold up the next compare of the same files (which must join the running one).
 */
const shapes = new Map<string, { mtimeMs: number; shape?: number[] }>();

async function inputShapeOf(deps: ProbeFolderDeps, file: string): Promise<number[] | undefined> {
  // A pickled checkpoint is not opened for its shape: that would ask for the unpickling consent before the compare
  // asks it (the compare's own warning still says when MNIST does not fit).
  if ((await readModelFormat(file)) === 'torch-pickle') return undefined;
  const mtimeMs = (await stat(file).catch(() => undefined))?.mtimeMs ?? -1;
  const known = shapes.get(file);
  if (known?.mtimeMs === mtimeMs) return known.shape;
  // a file that cannot be read is left to the compare, which says what is wrong with it
  const shape = await deps.describeModel(file).then(
    (d) => d.model.inputShape,
    () => undefined,
  );
  shapes.set(file, { mtimeMs, shape });
  return shape;
}

async function ask(misfit: { name: string; input: string }): Promise<string | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      {
        label: '$(folder-opened) Choose a folder of images…',
        detail: 'PNG or JPEG images like the models’ data (searched recursively); remembered for this workspace',
        pick: 'folder' as const,
      },
      {
        label: '$(circle-slash) Use MNIST digits anyway',
        detail: 'resized gray digits: the numbers say little about what these models learned',
        pick: 'mnist' as const,
      },
    ],
    {
      title: 'Knowledge Consistency: probe images',
      placeHolder: `${misfit.name} takes ${misfit.input} images: MNIST digits (28×28 gray) do not fit it`,
      ignoreFocusOut: true,
    },
  );
  if (choice?.pick !== 'folder') return choice?.pick;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Use these images as probes',
    title: 'Knowledge Consistency: a folder of probe images',
  });
  return picked?.[0]?.fsPath;
}
