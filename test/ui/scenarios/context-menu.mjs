// A person selects two model files in the Explorer (click, ctrl-click), opens the context menu and sees
// "Compare Knowledge Consistency" (and the wizard's Compare…, never the family's entry); choosing it runs the
// comparison and opens the panel. With three files selected the menu offers Compare as a Family alone. Leaves
// .test-output/ui/context-menu.png (the menu), context-menu-panel.png (the panel with the finished result) and
// context-menu-three.png (the menu of three files).
import assert from 'node:assert/strict';

export default async function contextMenu(ctx) {
  const { page } = ctx;
  // Small, quick settings so the run that starts does not load the shared machine.
  ctx.writeSettings({ 'knowledgeConsistency.probe.count': 64, 'knowledgeConsistency.epochs': 3 });

  await ctx.extensionLoaded();
  await ctx.runCommand('View: Show Explorer'); // (clicking the icon would close an Explorer that is already open)
  await ctx.expandExplorer('models', 'mnist-cnn-seed1', 'mnist-cnn-seed2');
  const files = ctx.explorerItem('model.onnx');
  await files.nth(1).waitFor({ state: 'visible' });
  // Click opens the first file in an editor; wait for that before ctrl-click adds the second to the selection.
  await files.nth(0).click();
  await page.locator('.tabs-container .tab', { hasText: 'model.onnx' }).first().waitFor({ state: 'visible' });
  // …and for the editor's content: until it has opened, VS Code may still reset the Explorer's selection to it.
  // (An .onnx file opens in the Model Overview, its default editor: wait for its webview.)
  await page.locator('iframe.webview.ready').first().waitFor({ state: 'visible', timeout: 60_000 });
  await files.nth(1).click({ modifiers: ['Control'] });
  await page
    .locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'model.onnx' })
    .nth(1)
    .waitFor({ state: 'visible' });
  await files.nth(1).click({ button: 'right' });
  const menuItem = (text) => page.locator('.context-view .action-item', { hasText: text });
  const item = menuItem('Compare Knowledge Consistency');
  await item.waitFor({ state: 'visible' });
  await menuItem('Compare…').waitFor({ state: 'visible' });
  assert.equal(await menuItem('Compare as a Family').count(), 0, 'Compare as a Family offered for two files');
  await ctx.screenshot('context-menu');

  await item.click();
  // The panel opens at once (title "… (running)") and fills in as layer pairs finish.
  await page
    .locator('.tabs-container .tab', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' })
    .first()
    .waitFor({ state: 'visible', timeout: 60_000 });
  await ctx
    .webviewFrame()
    .getByText(/done · \d+ pairs/)
    .waitFor({ state: 'visible', timeout: 120_000 });
  // Park the pointer right of the panel's title, off the heatmap, so no cell tooltip covers the picture.
  await page.mouse.move(1300, 95);
  await ctx.screenshot('context-menu-panel');

  // Three files: a family, not a pair. Neither pair entry nor the two-model wizard shows.
  await ctx.runCommand('View: Show Explorer');
  await ctx.expandExplorer('torch-export');
  const epochs = ['epoch1.onnx', 'epoch2.onnx', 'epoch3.onnx'].map((n) => ctx.explorerItem(n).first());
  await epochs[0].click();
  await page.locator('.tabs-container .tab', { hasText: 'epoch1.onnx' }).first().waitFor({ state: 'visible' });
  await page.locator('iframe.webview.ready').last().waitFor({ state: 'visible', timeout: 60_000 });
  for (const row of epochs.slice(1)) await row.click({ modifiers: ['Control'] });
  await page
    .locator('.explorer-folders-view .monaco-list-row.selected', { hasText: /epoch\d\.onnx/ })
    .nth(2)
    .waitFor({ state: 'visible' });
  await epochs[2].click({ button: 'right' });
  await menuItem('Compare as a Family').waitFor({ state: 'visible' });
  await ctx.screenshot('context-menu-three');
  for (const text of ['Compare…', 'Compare Knowledge Consistency'])
    assert.equal(await menuItem(text).count(), 0, `${text} offered for three files`);
  await page.keyboard.press('Escape');
}
