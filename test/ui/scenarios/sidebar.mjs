// A person opens the Knowledge Consistency sidebar, expands a model and sees its layers (kind, shape, probe points
// marked) listed by the engine worker. Leaves .test-output/ui/sidebar.png.
import assert from 'node:assert/strict';

export default async function sidebar(ctx) {
  const { page } = ctx;
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  const models = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Models/ }) });
  const rows = models.locator('.monaco-list-row');
  const seed1 = rows.filter({ hasText: /mnist-cnn-seed1\s*ONNX/ }).first();
  await seed1.waitFor({ state: 'visible', timeout: 60_000 });
  await seed1.click(); // expands: the worker lists the layers
  // Layer rows carry "<kind> · <H×W×C>"; at least one is marked as a probe point.
  const layerRows = rows.filter({ hasText: /\d+×\d+/ });
  await layerRows.first().waitFor({ state: 'visible', timeout: 60_000 });
  assert.ok((await layerRows.count()) >= 3, `only ${await layerRows.count()} layer rows under mnist-cnn-seed1`);
  await rows.filter({ hasText: 'probe point' }).first().waitFor({ state: 'visible' });
  assert.equal(await models.locator('.codicon-target').count() > 0, true, 'no probe-point icon');
  await page.mouse.move(700, 450);
  await ctx.screenshot('sidebar');
}
