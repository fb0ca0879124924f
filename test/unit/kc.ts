/** Runs the `kc` CLI from source (no build needed) in a child process; resolves with its exit code and both streams. */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts')];

/** kc compare's flags for one quick fit: relu3 of A explaining relu3 of B, one epoch. */
export const ONE_QUICK_FIT = ['--layers-a', 'relu3', '--layers-b', 'relu3', '--direction', 'a2b', '--epochs', '1'];

export interface KcRun {
  /** The exit code; -1 when the process was killed (e.g. by the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export function kc(...args: string[]): Promise<KcRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...CLI, ...args],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 1 << 26 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Runs kc and interrupts it as Ctrl-C does (SIGINT) once its stderr matches `when`; `env` adds to the environment. */
export function kcInterrupted(args: string[], when: RegExp, env: NodeJS.ProcessEnv = {}): Promise<KcRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (when.test(stderr)) child.kill('SIGINT');
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
