// A person opens the Knowledge Consistency view container from the Activity Bar and sees the workspace's model
// files in the Models view. Leaves .test-output/ui/models-view.png.
import assert from 'node:assert/strict';

export default async function modelsView(ctx) {
  const { page } = ctx;
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  const models = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Models/ }) });
  const rows = models.locator('.monaco-list-row');
  // The view lists files as the discovery finds them; wait until both sample models of the fixture are shown.
  await rows.filter({ hasText: /\.onnx|model\.json|mnist-cnn/ }).nth(1).waitFor({ state: 'visible', timeout: 60_000 });
  const labels = await rows.allInnerTexts();
  assert.ok(labels.length >= 2, `Models view shows ${labels.length} rows: ${labels.join(' | ')}`);
  await ctx.screenshot('models-view');
}
