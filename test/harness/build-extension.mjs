// Builds the bundles the extension needs at run time (extension, worker, webview) before a VS Code test run. Only the
// bundles whose entry exists: while the team works, a missing one is somebody's work in progress, not a test failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace.mjs';

const RUNTIME_BUNDLES = [
  ['extension', 'src/extension/extension.ts'],
  ['worker', 'src/worker/main.ts'],
  ['webview', 'webview/main.ts'],
];

export function buildExtension(tier) {
  const names = RUNTIME_BUNDLES.filter(([, entry]) => existsSync(join(repoRoot, entry))).map(([n]) => n);
  if (!names.includes('extension')) throw new Error(`${tier}: src/extension/extension.ts is missing, nothing to test`);
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), ...names], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${tier}: the extension build failed`);
}
