// Installs a VSIX into a throwaway extensions dir of the cached code-server, the way a user would
// (`--install-extension`), and checks that code-server lists it and that its native engine part loads.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer } from '../../scripts/install-code-server.mjs';
import { codeServerEnv } from './code-server.mjs';

/** @returns {{ listed: string[], installedDir: string }} after checking; throws with a one-line reason otherwise */
export function checkVsixInstall(vsix, { version, id, expectedVersion }) {
  const { entry, node } = ensureCodeServer(version, { quiet: true });
  const extensionsDir = mkdtempSync(join(tmpdir(), 'kc-vsix-ext-'));
  const userDataDir = mkdtempSync(join(tmpdir(), 'kc-vsix-user-'));
  const cs = (...args) =>
    execFileSync(node, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, ...args], {
      encoding: 'utf8',
      env: codeServerEnv(version),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    cs('--install-extension', vsix);
    const listed = cs('--list-extensions', '--show-versions')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (!listed.includes(`${id}@${expectedVersion}`)) {
      throw new Error(
        `code-server ${version} does not list ${id}@${expectedVersion} after --install-extension (lists: ${listed.join(', ') || 'nothing'})`,
      );
    }
    const dirName = readdirSync(extensionsDir).find((d) => d.startsWith(`${id}-`));
    const installedDir = join(extensionsDir, dirName ?? '');
    for (const f of [
      'package.json',
      'dist/extension.js',
      'dist/worker.js',
      'dist/cli.js',
      'dist/python/kc_torch_helper.py',
    ]) {
      if (!dirName || !existsSync(join(installedDir, f))) throw new Error(`the installed extension lacks ${f}`);
    }
    // The engine's native part must load from inside the installed extension, with no node_modules around it.
    execFileSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(join(installedDir, 'dist/node_modules/onnxruntime-node'))})`],
      {
        cwd: tmpdir(),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return { listed, installedDir };
  } finally {
    rmSync(extensionsDir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
