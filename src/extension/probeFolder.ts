/**
 * The default probe is MNIST digits, which say little about a colour or larger-input model (a face detector, an
 * ImageNet classifier) and cannot feed a sequence model at all. Before such a compare starts, the user is asked once
 * for a folder of images like the models' data, or for a text file (.txt, .jsonl) of the workspace for a transformer;
 * the choice is remembered per workspace (workspaceState) and used for later such compares. A probe chosen in the
 * settings or the wizard is replaced only when it cannot feed a sequence model. The decision itself: probeSource.ts.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { readModelFormat } from '../engine/models/format';
import type { ModelRef } from '../protocol/report';
import type { ListLayersResult } from '../protocol/worker.protocol';
import { probeFor, type ProbeKind } from './probeSource';

/** workspaceState keys of the remembered image folder and text file (absolute paths). */
export const PROBE_FOLDER_KEY = 'knowledgeConsistency.probeFolder';
export const PROBE_TEXTS_KEY = 'knowledgeConsistency.probeTexts';
const REMEMBERED: Record<ProbeKind, string> = { images: PROBE_FOLDER_KEY, texts: PROBE_TEXTS_KEY };

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
      input: () => inputOf(deps, uri.fsPath),
    })),
    {
      remembered: async (kind) => {
        const probe = deps.state.get<string>(REMEMBERED[kind]);
        const found = probe ? await stat(probe).catch(() => undefined) : undefined;
        return (kind === 'images' ? found?.isDirectory() : found?.isFile()) ? probe : undefined;
      },
      remember: (kind, probe) => Promise.resolve(deps.state.update(REMEMBERED[kind], probe)),
      ask,
      askTexts: (name) => askTexts(name, models[0]),
    },
  );
}

type ModelInput = Pick<ModelRef, 'inputShape' | 'sequence'>;

/**
 * Inputs read before, by file and modification time: the worker answers only between its batches, so asking it
 * again while a compare runs would hold up the next compare of the same files (which must join the running one).
 */
const inputs = new Map<string, { mtimeMs: number; input?: ModelInput }>();

/** The model's input shape and, for a sequence model, its token inputs. */
export async function inputOf(
  deps: Pick<ProbeFolderDeps, 'describeModel'>,
  file: string,
): Promise<ModelInput | undefined> {
  // A pickled checkpoint is not opened for its shape: that would ask for the unpickling consent before the compare
  // asks it (the compare's own warning still says when MNIST does not fit).
  if ((await readModelFormat(file)) === 'torch-pickle') return undefined;
  const mtimeMs = (await stat(file).catch(() => undefined))?.mtimeMs ?? -1;
  const known = inputs.get(file);
  if (known?.mtimeMs === mtimeMs) return known.input;
  // a file that cannot be read is left to the compare, which says what is wrong with it
  const input = await deps.describeModel(file).then(
    ({ model }): ModelInput => ({ inputShape: model.inputShape, sequence: model.sequence }),
    () => undefined,
  );
  inputs.set(file, { mtimeMs, input });
  return input;
}

/** The workspace's text files a sequence model's probe can be (.txt, .jsonl), those nearest `model` first. */
export async function workspaceTexts(model: vscode.Uri): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles('**/*.{txt,jsonl}', '**/{node_modules,.git}/**', 200);
  const shared = (uri: vscode.Uri) => commonPrefix(uri.fsPath, model.fsPath);
  return found.sort((x, y) => shared(y) - shared(x) || x.fsPath.localeCompare(y.fsPath));
}

function commonPrefix(x: string, y: string): number {
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return i;
}

async function askTexts(name: string, model: vscode.Uri): Promise<string | undefined> {
  const files = await workspaceTexts(model);
  const choice = await vscode.window.showQuickPick(
    [
      ...files.map((uri) => ({
        label: `$(file-text) ${path.basename(uri.fsPath)}`,
        description: vscode.workspace.asRelativePath(uri),
        file: uri.fsPath as string | undefined,
      })),
      {
        label: '$(folder-opened) Choose a text file…',
        description: 'one text a line (.txt), or JSON lines with a "text" field (.jsonl)',
        file: undefined,
      },
    ],
    {
      title: 'Knowledge Consistency: probe texts',
      placeHolder: `${name} takes token ids: which texts should both models read? (remembered for this workspace)`,
      ignoreFocusOut: true,
    },
  );
  if (!choice) return undefined;
  return choice.file ?? (await pickTextFile());
}

/** The open dialog for a text probe file. */
async function pickTextFile(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { 'Texts (one a line, or JSON lines)': ['txt', 'jsonl'] },
    openLabel: 'Use these texts as probes',
    title: 'Knowledge Consistency: a text file of probe texts',
  });
  return picked?.[0]?.fsPath;
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
