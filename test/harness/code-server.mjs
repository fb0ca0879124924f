// Starts a cached code-server (scripts/install-code-server.mjs) on a free port with throwaway user-data and
// extensions dirs, and waits until /healthz answers.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { codeServerPaths, ensureCodeServer, needsNode24 } from '../../scripts/install-code-server.mjs';

// A quiet workbench: no welcome walkthrough over the editors, no tips or telemetry prompts.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  // Newer VS Code opens a Chat side bar on first start.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  // Scenarios and suites run long comparisons on purpose (progress, cancel, a killed worker): no pre-run budget
  // question unless one sets a budget itself (test/ui/scenarios/budget.mjs).
  'knowledgeConsistency.budget': '',
};

// `trust: true` (the Restricted Mode suite): workspace trust on, and no startup dialog, so a new folder opens untrusted.
const TRUST_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** code-server's own argv: VS Code options, plus the smoke-test driver newer VS Code needs to honour `payload`. */
export function codeServerArgs(version, { port, userDataDir, extensionsDir, trust = false }) {
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
  ];
  if (!trust) args.push('--disable-workspace-trust');
  if (needsNode24(version)) args.push('--vscode-option', 'enable-smoke-test-driver');
  return args;
}

/** Env for code-server: Node 24's bin first in PATH for newer versions (the extension host then runs on it). */
export function codeServerEnv(version) {
  const { node } = codeServerPaths(version);
  return needsNode24(version) ? { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` } : { ...process.env };
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000}s`);
}

/**
 * @param {{ version: string, logFile: string, extensionsDir?: string, trust?: boolean }} options
 *   trust: workspace trust enabled (fresh user data: nothing trusted yet), for the Restricted Mode suite
 * @returns {Promise<{ url: string, port: number, version: string, userDataDir: string, extensionsDir: string, stop(): Promise<void> }>}
 */
export async function startCodeServer({ version, logFile, extensionsDir, trust = false }) {
  const { entry, node } = ensureCodeServer(version);
  const port = await freePort();
  const userDataDir = mkdtempSync(join(tmpdir(), 'kc-code-user-'));
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(trust ? { ...USER_SETTINGS, ...TRUST_SETTINGS } : USER_SETTINGS, null, 2),
  );
  const ownExtensionsDir = !extensionsDir;
  extensionsDir ??= mkdtempSync(join(tmpdir(), 'kc-code-ext-'));
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn(node, [entry, ...codeServerArgs(version, { port, userDataDir, extensionsDir, trust })], {
    env: codeServerEnv(version),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    // The extension host's children may still be writing workspace storage for a moment after code-server exits.
    const retry = { recursive: true, force: true, maxRetries: 5, retryDelay: 200 };
    rmSync(userDataDir, retry);
    if (ownExtensionsDir) rmSync(extensionsDir, retry);
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (err) {
    await stop();
    throw new Error(`${err.message} (log: ${logFile})`);
  }
  return { url, port, version, userDataDir, extensionsDir, stop };
}
