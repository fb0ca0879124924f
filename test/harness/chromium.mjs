// Playwright on Debian's chromium (no browser download): a fresh persistent context per call.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: apt-get install -y chromium (or run .ci/run)');
  }
}

/** Launches headless chromium with a fresh --user-data-dir, removed again by context.close(). */
export async function launchChromium({ viewport = { width: 1400, height: 900 }, ...options } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'kc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    ...options,
  });
  // Remove the profile only once the browser is gone (on 'close' chromium may still be writing to it).
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await close(...args);
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  return context;
}
