/** Usage errors that commander itself reports read like every other kc error: one `kc: …` line, exit code 1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../../..');

async function kc(args: string[]): Promise<{ code: number; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
}

test('missing argument, bad choice and unknown option: one kc: line, exit 1', async () => {
  const missing = await kc(['disentangle', 'a.npy']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim(), "kc: missing required argument 'B.npy'");
  const choice = await kc(['compare', 'a.onnx', 'b.onnx', '--kernel', '5']);
  assert.equal(choice.code, 1);
  assert.match(
    choice.stderr.trim(),
    /^kc: option '--kernel <k>' argument '5' is invalid\. Allowed choices are 1, 3\.$/,
  );
  const unknown = await kc(['layers', 'm.onnx', '--jsn']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim(), "kc: unknown option '--jsn' (Did you mean --json?)");
  assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr);
});
