#!/usr/bin/env node
/**
 * The same mocha suites as test/vscode/run.mjs, in desktop VS Code (Electron) through @vscode/test-electron.
 * For machines with internet only: it downloads VS Code from the update service (not used in CI, which is offline
 * and runs code-server instead). On a Linux machine without a display, wrap it: `xvfb-run -a npm run test:electron`.
 *   node test/electron/run.mjs [--grep <pattern>] [--version stable|1.100.3]
 */
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareWorkspace, repoRoot } from '../harness/workspace.mjs';
import { bundleTests, devOutDir as outDir } from '../vscode/bundle.mjs';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

async function main() {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('electron: the build failed');
  await bundleTests();
  const resultsFile = join(outDir, 'results-electron.json');
  writeFileSync(join(outDir, 'options.json'), JSON.stringify({ grep: opt('--grep'), resultsFile }));
  const { dir: workspace } = prepareWorkspace();
  let code = 0;
  try {
    code = await runTests({
      version: opt('--version') ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(outDir, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    }).then(
      () => 0,
      (err) => {
        console.error(
          `electron: ${err instanceof Error ? err.message : String(err)} (needs internet to download VS Code)`,
        );
        return 1;
      },
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  const tests = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).tests : [];
  const failed = tests.filter((t) => t.state === 'failed').length || (code !== 0 ? 1 : 0);
  console.log(
    `vscode (electron): ${tests.length - tests.filter((t) => t.state === 'failed').length} passed, ${failed} failed`,
  );
  process.exit(code === 0 && failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  console.log('vscode (electron): 0 passed, 1 failed');
  process.exit(1);
});
