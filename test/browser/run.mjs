#!/usr/bin/env node
// Runs the real-browser tests test/browser/**/*.test.mjs (node:test + playwright-core on Debian chromium, see
// test/harness/chromium.mjs) and prints `browser: N passed, N failed`. Extra arguments go to `node --test`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return findTests(p);
    return e.isFile() && e.name.endsWith('.test.mjs') ? [relative(root, p)] : [];
  });
}

const files = findTests(join(root, 'test/browser')).sort();
if (files.length === 0) {
  console.log('browser: 0 passed, 1 failed (no test/browser/**/*.test.mjs)');
  process.exit(1);
}
mkdirSync(join(root, '.test-output/browser'), { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'kc-browser-'));
const tap = join(tmp, 'results.tap');
// spec for people, TAP to a file for the counts.
const r = spawnSync(
  process.execPath,
  [
    // panel-page.mjs loads the extension's webview document from its TypeScript source.
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...process.argv.slice(2),
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
const summary = readFileSync(tap, 'utf8');
rmSync(tmp, { recursive: true, force: true });
const count = (key) => Number(summary.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
