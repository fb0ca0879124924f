// A person compares three sample models as a family from the palette, reads the family view, then reloads the window:
// the family panel comes back with its matrices (a finished family is never recomputed). Leaves
// .test-output/ui/family-view.png and family-restored.png.

export default async function family(ctx) {
  const { page } = ctx;
  ctx.writeSettings({
    'knowledgeConsistency.probe.count': 160,
    'knowledgeConsistency.epochs': 2,
    'knowledgeConsistency.budget': '',
  });
  await page
    .locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]')
    .waitFor({ state: 'visible', timeout: 60_000 });
  await ctx.runCommand('Knowledge Consistency: Compare as a Family');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('.quick-input-title', { hasText: 'three or more models' }).waitFor({ state: 'visible' });
  const files = ['mnist-cnn-seed1/model.onnx', 'mnist-cnn-seed2/model.onnx', 'mnist-cnn-seed1/tfjs/model.json'];
  for (const [i, file] of files.entries()) {
    const row = quickInput.locator('.monaco-list-row', { hasText: `models/${file}` }).first();
    await row.locator('.label-name').first().click();
    await quickInput.locator('.quick-input-count', { hasText: `${i + 1} Selected` }).waitFor({ state: 'visible' });
  }
  await page.keyboard.press('Enter');

  const frame = ctx.webviewFrame();
  // Every fit finished before the reload (an earlier "done" of the first fits is not the end).
  await frame.locator('body', { hasText: 'done · 18 of 18 fits' }).waitFor({ state: 'visible', timeout: 240_000 });
  await page.waitForTimeout(500);
  await ctx.screenshot('family-view');
  // The webview's state is saved a moment after it is set.
  await page.waitForTimeout(3000);

  await page.reload();
  await page
    .locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]')
    .waitFor({ state: 'visible', timeout: 60_000 });
  await ctx
    .webviewFrame()
    .locator('body', { hasText: /mnist-cnn-seed1\/tfjs/ })
    .waitFor({ state: 'visible', timeout: 60_000 });
  // The same report, as it was (a family whose last saved state was mid-run runs on, every finished fit reused).
  await ctx
    .webviewFrame()
    .locator('body', { hasText: 'done · 18 of 18 fits' })
    .waitFor({ state: 'visible', timeout: 120_000 });
  await page.waitForTimeout(500);
  await ctx.screenshot('family-restored');
}
