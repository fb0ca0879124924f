#!/usr/bin/env node
// Bundles the VS Code test entry (test/vscode/index.ts) and the suites test/vscode/suite/**/*.test.ts into out/vscode/,
// where the extension host loads them (code-server runner, @vscode/test-electron runner, F5 "Extension Tests").
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../harness/workspace.mjs';

export const outDir = join(repoRoot, 'out/vscode');
/** Where F5 "Extension Tests" and the Electron runner load the tests from. */
export const devOutDir = join(outDir, 'dev');

function suiteEntries(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return suiteEntries(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** @returns the number of suites bundled into `dir` (default out/vscode/dev; the code-server runner uses one dir per run, since
 * several people may run the tests in one working tree at once); `suitesDir` (default test/vscode/suite) lands in `dir`/suite */
export async function bundleTests(dir = devOutDir, suitesDir = join(repoRoot, 'test/vscode/suite')) {
  rmSync(dir, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    // mocha and native modules load from node_modules at run time; describe/it are mocha's globals.
    external: ['vscode', 'mocha', 'onnxruntime-node', '@tensorflow/tfjs-node'],
  };
  const suites = suiteEntries(suitesDir);
  await esbuild.build({
    ...common,
    entryPoints: [join(repoRoot, 'test/vscode/index.ts')],
    outfile: join(dir, 'index.js'),
  });
  if (suites.length) {
    await esbuild.build({ ...common, entryPoints: suites, outbase: suitesDir, outdir: join(dir, 'suite') });
  }
  return suites.length;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const n = await bundleTests();
  console.log(`bundled ${n} VS Code suite(s) into out/vscode/dev/`);
}
