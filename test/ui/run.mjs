#!/usr/bin/env node
/**
 * UI tests: each test/ui/scenarios/*.mjs drives a real VS Code (code-server + headless chromium) like a person.
 * A scenario is `export default async function (ctx)`, with a fresh code-server, workspace and browser each:
 *   ctx.page            Playwright Page on the workbench (extension under development loaded)
 *   ctx.workspaceDir    the temp copy of test/fixtures/workspace (+ sample models in models/<name>/)
 *   ctx.outDir          .test-output/ui
 *   ctx.screenshot(name) → path of .test-output/ui/<name>.png
 *   ctx.runCommand(title)  F1, fill in the command's title, Enter; returns once the palette has closed or the
 *                          command's own picker has replaced it
 *   ctx.pick(title, text)  in the quick pick titled `title` (once it shows), filter by `text` and take that row
 *   ctx.openFile(relPath)  quick-open a workspace file in an editor
 *   ctx.explorerItem(name) → Locator of the Explorer row with that label
 *   ctx.webviewFrame()   → FrameLocator inside the active webview (iframe.webview → iframe#active-frame)
 *   ctx.writeSettings(values)  the workspace's .vscode/settings.json
 *   ctx.extensionLoaded()  returns once the extension's Activity Bar icon shows (its contributions are in)
 *   ctx.expandExplorer(...names)  expands those Explorer folders in turn
 *   ctx.compareFromPalette({ a, b, probes, preset })  the palette's Compare wizard on the probe points, then Start
 *   ctx.clickMenuItem(text, shown)  clicks the open context menu's item `text` until the Locator `shown` appears
 *   node test/ui/run.mjs [--grep <name>] [--version 4.139.1] [--extension <dir>] [--no-build]   (default: current VS Code)
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CURRENT } from '../../scripts/install-code-server.mjs';
import { buildExtension } from '../harness/build-extension.mjs';
import { startCodeServer } from '../harness/code-server.mjs';
import { openWorkbench, remoteUri } from '../harness/workbench.mjs';
import { prepareWorkspace, repoRoot } from '../harness/workspace.mjs';

const outDir = join(repoRoot, '.test-output/ui');
const scenarioDir = join(repoRoot, 'test/ui/scenarios');
// Generous: a scenario that runs a real comparison takes 40–90 s on a loaded 2-core machine.
const SCENARIO_TIMEOUT_MS = Number(process.env.KC_UI_TIMEOUT_S ?? 300) * 1000;

function parseArgs(argv) {
  const o = { grep: undefined, version: process.env.KC_VSCODE_VERSION || CURRENT, extension: repoRoot, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--grep' || a === '-g') o.grep = argv[++i];
    else if (a === '--version') o.version = argv[++i];
    else if (a === '--extension') o.extension = resolve(argv[++i]);
    else if (a === '--no-build') o.build = false;
    else throw new Error(`ui: unknown argument '${a}'`);
  }
  return o;
}

/** In the page: true once the quick input is hidden or holds something other than `value`. */
function quickInputLeft(value) {
  const widget = document.querySelector('.quick-input-widget');
  const input = widget?.querySelector('.quick-input-box input');
  return !widget || !input || getComputedStyle(widget).display === 'none' || input.value !== value;
}

function makeContext(page, workspaceDir) {
  const quickInput = page.locator('.quick-input-widget');
  const fillQuickInput = async (value, rowText) => {
    const input = quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(value);
    await quickInput.locator('.monaco-list-row.focused', { hasText: rowText }).first().waitFor({ state: 'visible' });
  };
  return {
    page,
    workspaceDir,
    outDir,
    async screenshot(name) {
      const path = join(outDir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async runCommand(title) {
      // F1 can be lost while a webview holds the focus (seen in CI): pressed again until the palette opens.
      const input = quickInput.locator('.quick-input-box input');
      for (let tries = 0; tries < 3; tries++) {
        await page.keyboard.press('F1');
        if (
          await input.waitFor({ state: 'visible', timeout: 5_000 }).then(
            () => true,
            () => false,
          )
        )
          break;
      }
      // Fill the box instead of typing (keys typed while the palette is still opening get lost), and take the row
      // only once the filter has focused it.
      await fillQuickInput(`>${title}`, title);
      await page.keyboard.press('Enter');
      // Done when the palette has closed or the command's own picker has taken its place.
      await page.waitForFunction(quickInputLeft, `>${title}`);
    },
    async pick(title, text) {
      // The picker's own title first: the previous picker's rows may still be showing.
      await quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
      await fillQuickInput(text, text);
      await page.keyboard.press('Enter');
      await page.waitForFunction(quickInputLeft, text);
    },
    async openFile(relPath) {
      await page.keyboard.press('F1');
      const base = relPath.split('/').pop();
      await fillQuickInput(relPath, base); // no '>': quick open files instead of commands
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: base }).first().waitFor({ state: 'visible' });
    },
    explorerItem(name) {
      return page.locator('.explorer-folders-view .monaco-list-row').filter({
        has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
      });
    },
    webviewFrame() {
      return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    },
    async clickMenuItem(text, shown) {
      // A click while the menu is still settling can be lost (seen in CI under load, menu left open on the item):
      // clicked again while the menu stays open.
      const item = page.locator('.context-view .action-item', { hasText: text });
      await item.waitFor({ state: 'visible' });
      for (let tries = 0; tries < 3; tries++) {
        if (await item.isVisible()) await item.click();
        const appeared = await shown.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        );
        if (appeared) return;
      }
      await shown.waitFor({ state: 'visible' });
    },
    writeSettings(values) {
      mkdirSync(join(workspaceDir, '.vscode'), { recursive: true });
      writeFileSync(join(workspaceDir, '.vscode/settings.json'), JSON.stringify(values));
    },
    async extensionLoaded() {
      await page
        .locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]')
        .waitFor({ state: 'visible', timeout: 60_000 });
    },
    async expandExplorer(...names) {
      // A click while the tree is still inserting rows may only select a folder (seen in CI under load): each pass
      // expands what is collapsed, until every folder reads expanded.
      for (let pass = 0; pass < 3; pass++) {
        for (const name of names) {
          const row = this.explorerItem(name).first();
          await row.waitFor({ state: 'visible' });
          if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
          // Expanded before the next click: rows still being inserted would move it onto another row.
          await row.and(page.locator('[aria-expanded="true"]')).waitFor({ state: 'visible' });
        }
        await page.waitForTimeout(300);
        const states = await Promise.all(names.map((n) => this.explorerItem(n).first().getAttribute('aria-expanded')));
        if (states.every((s) => s === 'true')) return;
      }
    },
    async compareFromPalette({ a, b, probes, preset }) {
      await this.runCommand('Knowledge Consistency: Compare Knowledge Consistency');
      await this.pick('model A', a);
      await this.pick('model B', b);
      await this.pick('Probe inputs', probes);
      await this.pick('Disentangler preset', preset);
      await this.pick('Layers to compare', 'Probe points');
      await this.pick('start', 'Start the comparison');
    },
  };
}

async function runScenario(file, o) {
  const { dir: workspaceDir } = prepareWorkspace();
  const server = await startCodeServer({
    version: o.version,
    logFile: join(repoRoot, '.test-output/ui', `code-server-${file}.log`),
  });
  let context;
  try {
    const opened = await openWorkbench(server, workspaceDir, {
      payload: [['extensionDevelopmentPath', remoteUri(server, o.extension)]],
    });
    context = opened.context;
    opened.page.setDefaultTimeout(30_000);
    const scenario = (await import(pathToFileURL(join(scenarioDir, file)).href)).default;
    const ctx = makeContext(opened.page, workspaceDir);
    let timer;
    try {
      await Promise.race([
        scenario(ctx),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(
              () => reject(new Error(`timed out after ${SCENARIO_TIMEOUT_MS / 1000}s`)),
              SCENARIO_TIMEOUT_MS,
            )),
        ),
      ]);
    } catch (err) {
      await ctx.screenshot(`${file.replace(/\.mjs$/, '')}-failure`).catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await context?.close();
    await server.stop();
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });
  if (o.build && o.extension === repoRoot) buildExtension('ui');
  const files = readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.mjs') && (!o.grep || f.includes(o.grep)))
    .sort();
  if (files.length === 0) throw new Error(`ui: no scenario in test/ui/scenarios/ matches ${o.grep ?? '*.mjs'}`);
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const started = Date.now();
    try {
      await runScenario(file, o);
      passed++;
      console.log(`  ✔ ${file} (${((Date.now() - started) / 1000).toFixed(0)}s)`);
    } catch (err) {
      failed++;
      console.log(`  ✘ ${file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  console.log(`ui: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  console.log('ui: 0 passed, 1 failed');
  process.exit(1);
});
