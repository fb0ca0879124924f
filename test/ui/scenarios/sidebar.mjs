// A person opens the Knowledge Consistency sidebar, expands a model and sees its layers (kind, shape, probe points
// marked) listed by the engine worker; sets a reference model from an item's menu. Leaves .test-output/ui/sidebar.png
// sidebar-item-menu.png, and sidebar-welcome.png (the welcome view once the model files are deleted).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

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
  assert.equal((await models.locator('.codicon-target').count()) > 0, true, 'no probe-point icon');
  await page.mouse.move(700, 450);
  await ctx.screenshot('sidebar');

  // Item actions: make seed2 the reference model, then seed1 offers "Compare with Reference Model…".
  const menu = page.locator('.context-view');
  const seed2 = rows.filter({ hasText: /mnist-cnn-seed2\s*ONNX/ }).first();
  await seed2.click({ button: 'right' });
  for (const action of ['Set as Reference Model', 'Compare with…', 'Reveal in Explorer']) {
    await menu.locator('.action-item', { hasText: action }).first().waitFor({ state: 'visible' });
  }
  await ctx.screenshot('sidebar-item-menu');
  await menu.locator('.action-item', { hasText: 'Set as Reference Model' }).first().click();
  await rows
    .filter({ hasText: /mnist-cnn-seed2\s*ONNX · reference/ })
    .first()
    .waitFor({ state: 'visible' });
  await seed1.click({ button: 'right' });
  await menu
    .locator('.action-item', { hasText: 'Compare with Reference Model…' })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');

  const referenceItem = page.locator('.statusbar-item.right', { hasText: 'ref: mnist-cnn-seed2' });
  await referenceItem.waitFor({ state: 'visible' });

  // The models go away on disk: the watcher empties the view and the welcome view explains what is recognised.
  rmSync(join(ctx.workspaceDir, 'models'), { recursive: true, force: true });
  await models.getByText('No model files found in this workspace.').waitFor({ state: 'visible', timeout: 60_000 });
  await models
    .getByText(/ONNX files \(\*\.onnx\), TensorFlow\.js models .* and PyTorch models/)
    .waitFor({ state: 'visible' });
  await ctx.screenshot('sidebar-welcome');
  // The reference model (seed2) was deleted with them: it is forgotten (the status bar stops naming it).
  await referenceItem.waitFor({ state: 'hidden', timeout: 30_000 });
}
