// A person opens the Knowledge Consistency view container from the Activity Bar and sees the workspace's model
// files in the Models view. Leaves .test-output/ui/models-view.png.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** The ONNX model files the fixture workspace really holds (the ground truth the view must show). */
function onnxModels(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.onnx'))
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

export default async function modelsView(ctx) {
  const { page } = ctx;
  const expected = onnxModels(ctx.workspaceDir);
  assert.ok(expected.length >= 2, `the fixture workspace holds ${expected.length} .onnx files; samples/ missing?`);
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  const models = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Models/ }) });
  const rows = models.locator('.monaco-list-row');
  // A model is named after its file, or after its folder when the file is the generic model.onnx.
  for (const file of expected) {
    const name = basename(file) === 'model.onnx' ? basename(dirname(file)) : basename(file, '.onnx');
    await rows.filter({ hasText: name }).first().waitFor({ state: 'visible', timeout: 60_000 });
  }
  // No hover tooltip in the picture.
  await page.mouse.move(700, 450);
  await page
    .locator('.monaco-hover, .workbench-hover')
    .first()
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
  await ctx.screenshot('models-view');
}
