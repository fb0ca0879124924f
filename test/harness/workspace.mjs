// The test workspace: test/fixtures/workspace/ copied to a temp dir, plus the sample models named in its
// samples.json (copied from samples/<name>/ to models/<name>/ when MODELS' samples exist).
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = join(repoRoot, 'test/fixtures/workspace');

/** @returns {{ dir: string, samples: string[] }} samples: the sample names that were copied */
export function prepareWorkspace() {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kc-ws-')));
  cpSync(fixture, dir, { recursive: true, filter: (src) => !src.endsWith('samples.json') });
  const wanted = JSON.parse(readFileSync(join(fixture, 'samples.json'), 'utf8'));
  const samples = [];
  for (const name of wanted) {
    const from = join(repoRoot, 'samples', name);
    if (!existsSync(from)) continue;
    cpSync(from, join(dir, 'models', name), { recursive: true });
    samples.push(name);
  }
  return { dir, samples };
}

/** Sample files a test run changed or deleted in the workspace: suites share one workspace, so a changed fixture
 * breaks the suites after it. */
export function changedSampleFiles(dir, samples) {
  const changed = [];
  for (const name of samples) {
    const from = join(repoRoot, 'samples', name);
    for (const e of readdirSync(from, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const original = join(e.parentPath ?? e.path, e.name);
      const copy = join(dir, 'models', name, relative(from, original));
      if (!existsSync(copy) || !readFileSync(copy).equals(readFileSync(original))) changed.push(relative(dir, copy));
    }
  }
  return changed;
}
