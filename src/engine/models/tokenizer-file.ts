/** A sequence model's tokenizer files beside it, read under the model-files policy like its weights. */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { CheckedFile, ModelFolder } from './model-files';

/** Files of a Hugging Face tokenizer that change how texts are tokenised, in the order they are hashed. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

/** The tokenizer files present beside the model, checked, in TOKENIZER_FILES order. */
export async function tokenizerFiles(folder: ModelFolder): Promise<CheckedFile[]> {
  const files = await Promise.all(TOKENIZER_FILES.map((name) => tokenizerFile(folder, name)));
  return files.filter((f): f is CheckedFile => f !== undefined);
}

/**
 * `name` in the model's folder, checked (inside the folder, symlinks only into the repository, a regular file) but not
 * read; undefined when there is no such entry.
 */
export async function tokenizerFile(folder: ModelFolder, name: string): Promise<CheckedFile | undefined> {
  const present = await lstat(path.join(folder.dir, name)).then(
    () => true,
    () => false,
  );
  return present ? folder.reference(name, name) : undefined;
}
