/** Runs the `kc` CLI from source (no build needed) in a child process; resolves with its exit code and both streams. */
import { execFile } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

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
      ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 1 << 26 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
