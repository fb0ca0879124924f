#!/usr/bin/env node
/**
 * Runs the mocha suites test/vscode/suite/**\/*.test.ts inside a real VS Code extension host (code-server, offline):
 * bundles them into out/vscode/, copies the fixture workspace, opens code-server in headless chromium with the
 * `payload` URL (extensionDevelopmentPath + extensionTestsPath) and exits with the suite's exit code, which the
 * workbench hands to `window.codeAutomationExit`.
 *   node test/vscode/run.mjs [--grep <pattern>] [--version 4.100.3] [--matrix] [--extension <dir>] [--no-build] [--restricted]
 * By default on the current VS Code (code-server 4.139.1, Node 24), --matrix (what `npm test` and CI run) adds the oldest supported
 * one (code-server 4.100.3 = VS Code 1.100.3, Node 20).
 * Without --grep the tier also packages the VSIX (scripts/package.mjs) and installs it into each code-server
 * (`--install-extension`, then `--list-extensions`): one more test per version.
 * Without --grep it also runs the Restricted Mode suites test/vscode/restricted/**\/*.test.ts in one more launch (on the
 * last version) with workspace trust ON and the workspace untrusted; `--restricted` runs only that pass.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildExtension } from '../harness/build-extension.mjs';
import { startCodeServer } from '../harness/code-server.mjs';
import { checkVsixInstall } from '../harness/vsix.mjs';
import { bundleTests, outDir as bundleRoot } from './bundle.mjs';
import { openWorkbench, remoteUri } from '../harness/workbench.mjs';
import { CURRENT, OLDEST } from '../../scripts/install-code-server.mjs';
import { packageVsix } from '../../scripts/package.mjs';
import { changedSampleFiles, prepareWorkspace, repoRoot } from '../harness/workspace.mjs';

const logDir = join(repoRoot, '.test-output/vscode');
// One bundle dir per run: others may be running the tests in this working tree at the same time.
const outDir = join(bundleRoot, `run-${process.pid}`);
const restrictedOutDir = join(bundleRoot, `run-${process.pid}-restricted`);
const timeoutMs = Number(process.env.KC_VSCODE_TIMEOUT_S ?? 300) * 1000;

function parseArgs(argv) {
  const o = {
    grep: undefined,
    versions: [process.env.KC_VSCODE_VERSION || CURRENT],
    extension: repoRoot,
    build: true,
    restrictedOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--grep' || a === '-g') o.grep = argv[++i];
    else if (a === '--matrix') o.versions = [OLDEST, CURRENT];
    else if (a === '--version') o.versions = [argv[++i]];
    else if (a === '--extension') o.extension = resolve(argv[++i]);
    else if (a === '--no-build') o.build = false;
    else if (a === '--restricted') o.restrictedOnly = true;
    else throw new Error(`vscode: unknown argument '${a}'`);
  }
  return o;
}

/**
 * One full cycle on one code-server version: returns { passed, failed, code }. `pass`: the bundle dir and whether
 * workspace trust is on (the Restricted Mode pass), named in the logs.
 */
async function runOn(version, o, pass = { dir: outDir, trust: false, name: version }) {
  const { dir: workspace, samples } = prepareWorkspace();
  const resultsFile = join(pass.dir, `results-${version}.json`);
  writeFileSync(join(pass.dir, 'options.json'), JSON.stringify({ grep: o.grep, resultsFile }));
  console.log(`vscode ${pass.name}: workspace ${workspace} (samples: ${samples.join(', ') || 'none'})`);
  const server = await startCodeServer({
    version,
    trust: pass.trust,
    logFile: join(logDir, `code-server-${pass.name}.log`),
  });
  const consoleLog = [];
  let context;
  try {
    let exit;
    const exited = new Promise((r) => (exit = r));
    const payload = [
      ['extensionDevelopmentPath', remoteUri(server, o.extension)],
      ['extensionTestsPath', remoteUri(server, join(pass.dir, 'index.js'))],
    ];
    ({ context } = await openWorkbench(server, workspace, {
      payload,
      beforeGoto: async (page) => {
        page.on('console', (m) => consoleLog.push(m.text().replace(/%c/g, '')));
        await page.exposeFunction('codeAutomationExit', (code) => exit(Number(code)));
      },
    }));
    let timer;
    const timedOut = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (code === 'timeout')
      console.error(`vscode ${pass.name}: no exit from the extension host within ${timeoutMs / 1000}s`);
    const tests = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).tests : [];
    for (const t of tests)
      console.log(
        `  ${t.state === 'passed' ? '✔' : '✘'} ${t.title}${t.error ? `\n${t.error.replace(/^/gm, '      ')}` : ''}`,
      );
    let failed = tests.filter((t) => t.state === 'failed').length;
    const passed = tests.length - failed;
    if (code !== 0 && failed === 0) {
      failed = 1; // the suite did not run at all (load error, crash, timeout): say so and show the host's output
      console.error(
        `vscode ${pass.name}: the suite ended with code ${code} before reporting tests; extension host output:`,
      );
      console.error(
        consoleLog
          .filter((l) => /error|fail|extension host/i.test(l))
          .slice(-30)
          .join('\n'),
      );
    }
    const changed = changedSampleFiles(workspace, samples);
    if (changed.length)
      console.log(
        `vscode ${pass.name}: warning: the suites left changed sample files (restore them in the test): ${changed.join(', ')}`,
      );
    return { passed, failed, code: code === 'timeout' ? 1 : code };
  } finally {
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, `console-${pass.name}.log`), consoleLog.join('\n'));
    await context?.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Packages the VSIX and installs it into each code-server version like a user would. */
function vsixCheck(versions) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`;
  let v;
  try {
    v = packageVsix({ out: join(outDir, `${pkg.name}-test.vsix`) });
  } catch (err) {
    console.log(`  ✘ VSIX packages: ${err instanceof Error ? err.message : String(err)}`);
    return { passed: 0, failed: versions.length };
  }
  let passed = 0;
  for (const version of versions) {
    try {
      checkVsixInstall(v.file, { version, id, expectedVersion: pkg.version });
      console.log(
        `  ✔ VSIX (${(v.bytes / 1024 / 1024).toFixed(1)} MB, ${v.files} zip entries) installs into code-server ${version} and is listed`,
      );
      passed++;
    } catch (err) {
      console.log(`  ✘ VSIX installs into code-server ${version}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { passed, failed: versions.length - passed };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.build && o.extension === repoRoot) buildExtension('vscode');
  const runs = [];
  if (!o.restrictedOnly) {
    if ((await bundleTests(outDir)) === 0)
      throw new Error('vscode: no suites under test/vscode/suite/ (expected **/*.test.ts)');
    runs.push(...o.versions.map((version) => ({ version, pass: { dir: outDir, trust: false, name: version } })));
  }
  if (o.restrictedOnly || !o.grep) {
    if ((await bundleTests(restrictedOutDir, join(repoRoot, 'test/vscode/restricted'))) === 0) {
      throw new Error('vscode: no suites under test/vscode/restricted/ (expected **/*.test.ts)');
    }
    const version = o.versions.at(-1);
    runs.push({ version, pass: { dir: restrictedOutDir, trust: true, name: `${version}-restricted` } });
  }
  let passed = 0;
  let failed = 0;
  let code = 0;
  for (const { version, pass } of runs) {
    const started = Date.now();
    const r = await runOn(version, o, pass);
    console.log(
      `vscode ${pass.name}: ${r.passed} passed, ${r.failed} failed (${((Date.now() - started) / 1000).toFixed(0)}s)`,
    );
    passed += r.passed;
    failed += r.failed;
    if (r.code !== 0) code = r.code || 1;
  }
  if (!o.grep && !o.restrictedOnly && o.extension === repoRoot) {
    const vsix = vsixCheck(o.versions);
    passed += vsix.passed;
    failed += vsix.failed;
  }
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  rmSync(outDir, { recursive: true, force: true });
  rmSync(restrictedOutDir, { recursive: true, force: true });
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  console.log('vscode: 0 passed, 1 failed');
  process.exit(1);
});
