import { after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A maker of fresh folders under the system's temp folder, named `kc-<name>-…`; every one it made is removed once the
 * calling file's tests have run. Call it at the top level of a test file.
 */
export function tempFolders(name: string): () => Promise<string> {
  const made: string[] = [];
  after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), `kc-${name}-`));
    made.push(dir);
    return dir;
  };
}
