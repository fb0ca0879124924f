// A person pins a reference model from the Explorer, compares the sample models with it (TF.js and ONNX), then
// reads the findings where the models are: CodeLenses and warnings on model.json, the numbers in a hover, the
// status bar item, and the Model Overview editor of the ONNX file (sorted by explained; a row opens the
// drill-down). Leaves .test-output/ui/inline-codelens.png, inline-hover.png and model-overview.png.

export default async function inline(ctx) {
  const { page } = ctx;
  // Small, quick settings; a high threshold so that the picture shows warnings too.
  ctx.writeSettings({
    'knowledgeConsistency.probe.count': 64,
    'knowledgeConsistency.epochs': 3,
    'knowledgeConsistency.inline.threshold': 0.97,
    'editor.stickyScroll.enabled': false,
    'editor.fontSize': 12,
  });
  await ctx.extensionLoaded();
  await ctx.runCommand('View: Show Explorer');
  // Every folder expanded first, so that no row moves under the pointer later.
  await ctx.expandExplorer('models', 'mnist-cnn-seed1', 'mnist-cnn-seed2', 'tfjs');
  const modelJson = ctx.explorerItem('model.json').first();
  const onnx = ctx.explorerItem('model.onnx');
  await onnx.nth(1).waitFor({ state: 'visible' });
  const menu = async (row, title) => {
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .action-item', { hasText: title }).first();
    await item.waitFor({ state: 'visible' });
    // A click can land while the menu is still settling and be lost; the focused item with Enter cannot.
    await item.hover();
    await page.locator('.context-view .action-item.focused', { hasText: title }).waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator('.context-view').waitFor({ state: 'hidden' });
  };
  /** No tooltip (tab, breadcrumb, hover) over the picture: pointer to an empty spot, Escape, wait until none shows. */
  const noTooltips = async () => {
    await page.mouse.move(1150, 600);
    await page.keyboard.press('Escape');
    const tips = page.locator('.workbench-hover-container, .monaco-hover').filter({ visible: true });
    for (let i = 0; i < 50 && (await tips.count()) > 0; i++) await page.waitForTimeout(100);
  };
  /** Starts "Compare with Reference Model…" on a row; the panel opens on it (the lenses and rows below wait for the result). */
  const compareWithReference = async (row, tab) => {
    await menu(row, 'Compare with Reference Model');
    await page.locator('.tabs-container .tab', { hasText: tab }).first().waitFor({ state: 'visible', timeout: 60_000 });
  };

  await menu(onnx.nth(1), 'Set as Reference Model');
  const status = page.locator('.statusbar-item', { hasText: 'ref: mnist-cnn-seed2' });
  await status.waitFor({ state: 'visible' });
  await compareWithReference(onnx.nth(0), 'mnist-cnn-seed1 ↔ mnist-cnn-seed2');
  await compareWithReference(modelJson, 'mnist-cnn-seed1/tfjs ↔ mnist-cnn-seed2');

  // model.json: a summary lens on top, one lens per compared layer, warnings below the threshold.
  await modelJson.dblclick();
  await page.locator('.tabs-container .tab.active', { hasText: 'model.json' }).waitFor({ state: 'visible' });
  const lenses = page.locator('.monaco-editor .codelens-decoration');
  await lenses
    .filter({
      hasText: /^Knowledge consistency vs mnist-cnn-seed2: mnist-cnn-seed2 explains \d\.\d\d of this model's layers/,
    })
    .first()
    .waitFor({ state: 'visible', timeout: 120_000 });
  // Kernel sizes, strides… folded: more layers in the picture, the first compared ones among them.
  await ctx.runCommand('Fold Level 7');
  // Scroll so that the first probe points (pool1 on line 52, pool2 on line 101) are in the picture.
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 41; i++) await page.keyboard.press('Control+ArrowDown');
  await lenses
    .filter({ hasText: /mnist-cnn-seed2 explains \d\.\d\d of this layer · orders \d\.\d\d \/ \d\.\d\d/ })
    .first()
    .waitFor({ state: 'visible' });
  await page
    .locator('.statusbar-item', { hasText: /ref: mnist-cnn-seed2 · mnist-cnn-seed1\/tfjs \d\.\d\d/ })
    .waitFor({ state: 'visible' });
  await noTooltips();
  await ctx.screenshot('inline-codelens');

  // The hover over a compared layer's name: every number with a bar.
  // pool1 is the first probe point of the sample CNN (after conv1 → relu1 → pool1).
  const pool = page.locator('.monaco-editor .view-line', { hasText: '"name": "pool1"' }).first();
  await pool.locator('span', { hasText: 'pool1' }).last().hover();
  await page.locator('.monaco-hover', { hasText: 'Knowledge consistency' }).first().waitFor({ state: 'visible' });
  await ctx.screenshot('inline-hover');
  await page.keyboard.press('Escape');

  // The Model Overview of the ONNX file, sorted by explained (high to low), then a row opens its drill-down.
  await menu(onnx.nth(0), 'Open Model Overview');
  const frame = ctx.webviewFrame();
  await frame.locator('#layers tbody tr.compared').first().waitFor({ state: 'visible', timeout: 240_000 });
  await frame.locator('th button', { hasText: /^explained$/ }).click();
  await frame.locator('th[aria-sort="descending"]', { hasText: 'explained' }).waitFor({ state: 'visible' });
  const values = await frame
    .locator('#layers tbody tr.compared td.num:nth-child(5)')
    .evaluateAll((cells) => cells.map((c) => Number(c.dataset.value)));
  if (values.some((v, i) => i > 0 && v > values[i - 1]))
    throw new Error(`explained not sorted high to low: ${values.join(', ')}`);
  await noTooltips();
  await ctx.screenshot('model-overview');

  await frame.locator('#layers tbody tr.compared a[data-layer]').first().click();
  await ctx.webviewFrame().locator('#drill-title').waitFor({ state: 'visible', timeout: 30_000 });
}
