#!/usr/bin/env node
// Runs every test/unit/**/*.test.ts with Node's own test runner (TypeScript through tsx); exits with its code.
// A file that runs past 5 minutes fails instead of hanging the suite (an endless loop once did). Two files run at once:
// most are a tsx start-up and a short wait on a child process (6 min instead of 9–10 on 2 cores).
// Extra arguments pass through to `node --test` (e.g. --test-name-pattern=ridge).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const unitDir = join(root, 'test/unit');

function findTests(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return findTests(p);
    return e.isFile() && e.name.endsWith('.test.ts') ? [relative(root, p)] : [];
  });
}

const files = findTests(unitDir).sort();
if (files.length === 0) {
  console.error('unit: no test files under test/unit/ (expected **/*.test.ts)');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-timeout=300000', '--test-concurrency=2', ...process.argv.slice(2), ...files],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
