/**
 * The checkpoints of a training run in a folder, in training order. A checkpoint is a model file in the folder, or the
 * one model file inside one of its sub-folders (ckpt-100/model.json). Order: by the last number in each checkpoint's
 * name when every name has one and no two share it (epoch2 before epoch10), else by modification time.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { KcError } from '../errors';
import { readModelFormat } from '../models/format';
import { modelDisplayName } from '../../protocol/names';

export interface CheckpointFile {
  path: string;
  name: string;
  step?: number;
  modified: Date;
}

export interface CheckpointList {
  checkpoints: CheckpointFile[];
  orderedBy: 'number' | 'modified';
}

export async function listCheckpoints(folder: string): Promise<CheckpointList> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new KcError(`cannot read the checkpoint folder ${folder} (${error.code ?? String(error)})`);
  });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await modelFiles(full);
      if (inner.length > 1) {
        throw new KcError(
          `${full} holds ${inner.length} model files (${inner.map((f) => path.basename(f)).join(', ')}): keep one per checkpoint folder`,
        );
      }
      files.push(...inner);
    } else if (await isModelFile(full)) {
      files.push(full);
    }
  }
  if (files.length < 2) {
    throw new KcError(
      `${folder} holds ${files.length} checkpoint${files.length === 1 ? '' : 's'}: drift needs at least two model files (.onnx, TF.js model.json or PyTorch .pt/.pth/.pt2), in the folder or one per sub-folder`,
    );
  }
  const checkpoints = await Promise.all(
    files.map(async (file) => {
      const name = modelDisplayName(file);
      const step = lastNumber(name);
      return { path: file, name, modified: (await stat(file)).mtime, ...(step === undefined ? {} : { step }) };
    }),
  );
  const steps = checkpoints.map((c) => c.step);
  const byNumber = steps.every((s) => s !== undefined) && new Set(steps).size === steps.length;
  checkpoints.sort((a, b) =>
    byNumber ? a.step! - b.step! : a.modified.getTime() - b.modified.getTime() || a.name.localeCompare(b.name),
  );
  return { checkpoints, orderedBy: byNumber ? 'number' : 'modified' };
}

/** "epoch12" → 12, "run3-step_000400" → 400, "final" → undefined. */
export function lastNumber(name: string): number | undefined {
  const all = name.match(/\d+/g);
  return all ? Number(all[all.length - 1]) : undefined;
}

async function modelFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (!entry.isDirectory() && (await isModelFile(full))) found.push(full);
  }
  return found;
}

/** The engine's one rule for which files are models (format.ts): ONNX by name, TF.js JSON by its head, PyTorch
 * files by what their archive holds (a state_dict alone is no model). */
async function isModelFile(file: string): Promise<boolean> {
  return (await readModelFormat(file)) !== undefined;
}
