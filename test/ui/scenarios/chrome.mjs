// A person sets up a compare from the Explorer's Compare… (the wizard with the file pre-filled, layer pairs chosen
// visually, the cost estimate on the last step), then uses the panel's editor title buttons: Export… offers the five
// formats, saving says so with Open; the panel reads in light, dark and high-contrast themes; a TF.js graph model's
// long layer names are grouped by scope in the Models view. Leaves .test-output/ui/chrome-explorer-menu.png,
// chrome-wizard-pairs.png, chrome-wizard-partner.png, chrome-wizard-estimate.png, chrome-title-bar.png,
// chrome-export-formats.png, chrome-export-saved.png, chrome-panel-light.png, chrome-panel-high-contrast.png,
// chrome-drilldown-high-contrast.png, chrome-sidebar-scopes.png and chrome-analyses-export.png (the Analyses view's
// Export…, the same entry as the title bar's).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../harness/workspace.mjs';

export default async function chrome(ctx) {
  const { page } = ctx;
  const settings = { 'knowledgeConsistency.probe.count': 64, 'knowledgeConsistency.epochs': 3 };
  ctx.writeSettings(settings);
  // A published TF.js graph model (@vladmandic/human's handtrack, an SSD, a dev dependency): 244 nodes named with
  // 50–110 characters under two scopes (the feature extractor, the post-processor).
  const human = join(repoRoot, 'node_modules/@vladmandic/human/models');
  mkdirSync(join(ctx.workspaceDir, 'graph/handtrack'), { recursive: true });
  copyFileSync(join(human, 'handtrack.json'), join(ctx.workspaceDir, 'graph/handtrack/model.json'));
  copyFileSync(join(human, 'handtrack.bin'), join(ctx.workspaceDir, 'graph/handtrack/handtrack.bin'));

  await ctx.extensionLoaded();

  // Explorer: right-click one model file → Compare… (the wizard), beside the quick two-file compare.
  await ctx.runCommand('View: Show Explorer');
  await ctx.expandExplorer('models', 'mnist-cnn-seed1');
  const file = ctx.explorerItem('model.onnx').first();
  await file.click({ button: 'right' });
  const menuItem = page.locator('.context-view .action-item', { hasText: /^Compare…$/ });
  await menuItem.waitFor({ state: 'visible' });
  await ctx.screenshot('chrome-explorer-menu');
  await menuItem.click();

  // The wizard: the right-clicked file is model A, pre-selected; a step counter; defaults from the settings.
  const quick = page.locator('.quick-input-widget');
  await quick.locator('.quick-input-title', { hasText: 'model A' }).waitFor({ state: 'visible' });
  await quick.locator('.monaco-list-row.focused', { hasText: 'mnist-cnn-seed1' }).waitFor({ state: 'visible' });
  assert.match(await quick.locator('.quick-input-title').innerText(), /model A/);
  await page.keyboard.press('Enter');
  await ctx.pick('model B', 'mnist-cnn-seed2');
  await ctx.pick('probe inputs', 'mnist');
  await ctx.pick('disentangler preset', 'fast');
  await ctx.pick('layers to compare', 'Choose layer pairs');
  // Layer pairs: A's probe points with their automatic partners in B, each row editable.
  await quick.locator('.quick-input-title', { hasText: 'layer pairs' }).waitFor({ state: 'visible' });
  const pairRow = quick.locator('.monaco-list-row', { hasText: /pool2\s*→\s*pool2/ }).first();
  await pairRow.waitFor({ state: 'visible', timeout: 60_000 });
  assert.ok(await quick.locator('.monaco-list-row', { hasText: 'automatic' }).count(), 'no automatic pair');
  await ctx.screenshot('chrome-wizard-pairs');
  await ctx.pick('layer pairs', 'pool2');
  // B's partner: the current one marked; choose relu2 instead.
  await quick.locator('.quick-input-title', { hasText: 'which layer of B' }).waitFor({ state: 'visible' });
  await quick.locator('.monaco-list-row', { hasText: 'current partner' }).first().waitFor({ state: 'visible' });
  await ctx.screenshot('chrome-wizard-partner');
  await ctx.pick('which layer of B', 'relu2');
  await quick.locator('.monaco-list-row', { hasText: /pool2\s*→\s*relu2\s*chosen/ }).waitFor({ state: 'visible' });
  await ctx.pick('layer pairs', 'Compare these');
  // The last step: what will run and what it costs (the worker's estimate), then Start.
  await quick.locator('.quick-input-title', { hasText: 'start' }).waitFor({ state: 'visible' });
  await quick
    .locator('.monaco-list-row', { hasText: /≈ .* fits? on \d+ probes/ })
    .waitFor({ state: 'visible', timeout: 120_000 });
  await ctx.screenshot('chrome-wizard-estimate');
  await page.keyboard.press('Enter');

  // The panel: its actions are codicon buttons in the editor title bar.
  await page
    .locator('.tabs-container .tab', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' })
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  const frame = ctx.webviewFrame();
  await frame.getByText(/done · \d+ pairs/).waitFor({ state: 'visible', timeout: 180_000 });
  const titleBar = page.locator('.editor-group-container.active .editor-actions');
  const exportButton = titleBar.locator('.action-label[aria-label^="Export…"]');
  await exportButton.waitFor({ state: 'visible' });
  await titleBar.locator('.action-label[aria-label^="What Do These Numbers Mean?"]').waitFor({ state: 'visible' });
  assert.equal(await frame.locator('vscode-button').count(), 0, 'no bordered buttons left in the panel');
  await page.mouse.move(1300, 95);
  await ctx.screenshot('chrome-title-bar');

  // One Export… with the format to choose, then a notification with Open.
  await exportButton.click();
  await quick.locator('.quick-input-title', { hasText: 'Export the analysis' }).waitFor({ state: 'visible' });
  for (const format of ['PNG image', 'CSV table', 'JSON report', 'Markdown report', 'HTML report'])
    await quick.locator('.monaco-list-row', { hasText: format }).waitFor({ state: 'visible' });
  await ctx.screenshot('chrome-export-formats');
  await ctx.pick('Export the analysis', 'PNG image');
  // code-server's save dialog is a quick input holding the suggested path: accept it.
  const pathBox = quick.locator('.quick-input-box input');
  await page.waitForFunction(() => /\.png$/.test(document.querySelector('.quick-input-box input')?.value ?? ''));
  assert.match(await pathBox.inputValue(), /kc-mnist-cnn-seed1-vs-mnist-cnn-seed2-heatmap\.png$/);
  await page.keyboard.press('Enter');
  // The notification says what was saved and offers Open (a toast, or in the notification centre once it hid).
  const saved = /saved kc-mnist-cnn-seed1-vs-mnist-cnn-seed2-heatmap\.png/;
  let note = page.locator('.notifications-toasts .notification-toast', { hasText: saved });
  const toasted = await note
    .waitFor({ state: 'visible', timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  if (!toasted) {
    await ctx.runCommand('Notifications: Show Notifications');
    note = page.locator('.notifications-center .notification-list-item', { hasText: saved });
    await note.waitFor({ state: 'visible' });
  }
  await note.locator('.monaco-button', { hasText: 'Open' }).waitFor({ state: 'visible' });
  await ctx.screenshot('chrome-export-saved');
  assert.ok(
    readdirSync(ctx.workspaceDir).some((f) => /^kc-.*-heatmap\.png$/.test(f)),
    'the PNG is in the workspace folder',
  );
  await note.locator('.monaco-button', { hasText: 'Open' }).click();
  await page
    .locator('.tabs-container .tab', { hasText: /heatmap\.png/ })
    .first()
    .waitFor({ state: 'visible' });

  // Themes: every label legible in light and high contrast (the panel follows the theme by itself).
  await page.locator('.tabs-container .tab', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' }).first().click();
  // The theme through the workspace settings (the palette's theme picker lists marketplace entries first).
  for (const [theme, cls, shot] of [
    ['Default Light Modern', 'vs', 'chrome-panel-light'],
    ['Default High Contrast', 'hc-black', 'chrome-panel-high-contrast'],
  ]) {
    ctx.writeSettings({ ...settings, 'workbench.colorTheme': theme });
    await page.locator(`.monaco-workbench.${cls}`).waitFor({ state: 'attached', timeout: 30_000 });
    await ctx.webviewFrame().locator('#heatmap').waitFor({ state: 'visible' });
    await page.waitForTimeout(1000);
    await page.mouse.move(1300, 95);
    await ctx.screenshot(shot);
  }
  // The drill-down in high contrast: the bar that adds up and each order on its own bar.
  await ctx.webviewFrame().locator('vscode-tab-header[data-tab="pair"]').click();
  await ctx
    .webviewFrame()
    .getByText('Click a heatmap cell')
    .waitFor({ state: 'visible' })
    .catch(() => undefined);
  const heat = ctx.webviewFrame().locator('vscode-tab-header[data-tab="heatmap"]');
  await heat.click();
  const canvas = ctx.webviewFrame().locator('#heatmap');
  await canvas.focus();
  // Find a fitted cell from the keyboard: Home, then Enter opens the selected pair.
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await ctx.webviewFrame().locator('#drilldown').waitFor({ state: 'visible' });
  // The title names the models and the direction, as every view does.
  assert.match(
    await ctx.webviewFrame().locator('#drill-title').innerText(),
    /^mnist-cnn-seed[12]'s .+ explains mnist-cnn-seed[12]'s .+$/,
  );
  await page.waitForTimeout(500);
  await ctx.screenshot('chrome-drilldown-high-contrast');

  // The Models view: the graph model's layers grouped by scope.
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  const models = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Models/ }) });
  const rows = models.locator('.monaco-list-row');
  const graphModel = rows.filter({ hasText: /handtrack\s*TF\.js/ }).first();
  await graphModel.waitFor({ state: 'visible', timeout: 60_000 });
  await graphModel.click();
  const group = rows.filter({ hasText: /\d+ layers/ }).first();
  await group.waitFor({ state: 'visible', timeout: 60_000 });
  await group.click();
  await page.waitForTimeout(500);
  // The prefix every node shares ("StatefulPartitionedCall/model_1/") is in no row.
  assert.equal(await rows.filter({ hasText: /StatefulPartitionedCall/ }).count(), 0, 'no row repeats the prefix');
  await page.mouse.move(700, 450);
  await ctx.screenshot('chrome-sidebar-scopes');
  assert.ok(existsSync(join(ctx.outDir, 'chrome-sidebar-scopes.png')));

  // The Analyses view's Export… is the same entry: the five formats, a save dialog, a notification with Open.
  const analyses = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Analyses/ }) });
  const analysis = analyses.locator('.monaco-list-row', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' }).first();
  await analysis.waitFor({ state: 'visible' });
  await analysis.click({ button: 'right' });
  const menuExport = page.locator('.context-view .action-item', { hasText: 'Export…' });
  await menuExport.waitFor({ state: 'visible' });
  assert.equal(await page.locator('.context-view .action-item', { hasText: 'Export Report' }).count(), 0);
  await ctx.clickMenuItem('Export…', quick.locator('.monaco-list-row', { hasText: 'PNG image' }));
  for (const format of ['PNG image', 'CSV table', 'JSON report', 'Markdown report', 'HTML report'])
    await quick.locator('.monaco-list-row', { hasText: format }).waitFor({ state: 'visible' });
  await ctx.pick('Export the analysis', 'Markdown report');
  await page.waitForFunction(() => /\.md$/.test(document.querySelector('.quick-input-box input')?.value ?? ''));
  assert.match(await pathBox.inputValue(), /kc-report-mnist-cnn-seed1-vs-mnist-cnn-seed2\.md$/);
  await page.keyboard.press('Enter');
  const savedMd = /saved kc-report-mnist-cnn-seed1-vs-mnist-cnn-seed2\.md/;
  let mdNote = page.locator('.notifications-toasts .notification-toast', { hasText: savedMd });
  if (
    !(await mdNote.waitFor({ state: 'visible', timeout: 15_000 }).then(
      () => true,
      () => false,
    ))
  ) {
    await ctx.runCommand('Notifications: Show Notifications');
    mdNote = page.locator('.notifications-center .notification-list-item', { hasText: savedMd });
    await mdNote.waitFor({ state: 'visible' });
  }
  await mdNote.locator('.monaco-button', { hasText: 'Open' }).waitFor({ state: 'visible' });
  await ctx.screenshot('chrome-analyses-export');
  assert.ok(existsSync(join(ctx.workspaceDir, 'kc-report-mnist-cnn-seed1-vs-mnist-cnn-seed2.md')));
}
