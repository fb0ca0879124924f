/** The probe-source setting as the engine needs it. No `vscode` import: unit-tested as is. */
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * `mnist` and `synthetic` stay as they are; `~` is the home folder; a relative path is taken from the workspace folder
 * (the engine worker's working directory is the editor's, not the workspace, so "probes/digits" would miss otherwise).
 */
export function resolveProbeSource(source: string, workspaceFolder: string | undefined, home = homedir()): string {
  const s = source.trim();
  if (s === '') return 'mnist';
  if (s === 'mnist' || s === 'synthetic') return s;
  if (s === '~' || s.startsWith('~/')) return path.join(home, s.slice(1));
  if (path.isAbsolute(s) || workspaceFolder === undefined) return s;
  return path.join(workspaceFolder, s);
}
