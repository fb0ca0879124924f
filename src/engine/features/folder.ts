import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { storageError } from '../storage-error';

/**
 * A fresh folder for one run's extracted features under `cacheDir` (default: the system temp folder). Fresh per run,
 * so two runs of the same compare (two windows, two terminals) never share files. An absolute path: queue workers on
 * other machines read it.
 */
export async function makeFeatureFolder(cacheDir?: string): Promise<string> {
  const parent = path.resolve(cacheDir ?? tmpdir());
  try {
    await mkdir(parent, { recursive: true });
    return await mkdtemp(path.join(parent, 'kc-features-'));
  } catch (error) {
    throw storageError(error, `the extracted features in ${parent}`) ?? error;
  }
}
