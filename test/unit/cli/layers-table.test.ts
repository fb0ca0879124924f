import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
// A published TF.js graph model whose node names run to 150+ characters.
const HANDTRACK = path.join(ROOT, 'node_modules', '@vladmandic', 'human', 'models', 'handtrack.json');

function layers(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'layers', HANDTRACK, ...args],
      { cwd: ROOT, maxBuffer: 1 << 24 },
      (e, out) => (e ? reject(e) : resolve(out)),
    );
  });
}

test('kc layers fits 120 columns on a real graph model with short unique names; --wide prints the full names', async () => {
  const table = await layers();
  const lines = table.trimEnd().split('\n');
  assert.ok(
    lines.every((l) => l.length <= 120),
    `widest line ${Math.max(...lines.map((l) => l.length))}`,
  );
  assert.match(table, /^block_1_expand_relu\/Relu6\s+conv/m);
  assert.match(table, /names shortened: --wide for the full names/);
  const rows = lines.slice(3, -1).map((l) => l.split(/\s{2,}/)[0]);
  assert.equal(new Set(rows).size, rows.length, 'two layers share a short name');
  const wide = await layers('--wide');
  assert.match(wide, /^StatefulPartitionedCall\/.*block_1_expand_relu\/Relu6\s+conv/m);
});
