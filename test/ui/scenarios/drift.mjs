// A person tracks the knowledge drift of a training run: a folder of checkpoints (the torch-export run's first two
// epochs), Track Knowledge Drift from the folder's Explorer menu, each checkpoint against the previous one. The
// heatmap and the lines show; training then writes the third checkpoint and its column is appended live. Read in
// light and dark. Leaves .test-output/ui/drift-light.png and drift-dark.png.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export default async function drift(ctx) {
  const { page } = ctx;
  const settings = {
    'knowledgeConsistency.probe.count': 160,
    'knowledgeConsistency.epochs': 2,
    'knowledgeConsistency.budget': '',
    'workbench.colorTheme': 'Default Light Modern',
  };
  ctx.writeSettings(settings);
  // The run's folder, as training leaves it; epoch3 is written later.
  const run = join(ctx.workspaceDir, 'run');
  const epoch = (n) => join(ctx.workspaceDir, 'models/torch-export', `epoch${n}.onnx`);
  mkdirSync(run);
  copyFileSync(epoch(1), join(run, 'epoch1.onnx'));
  copyFileSync(epoch(2), join(run, 'epoch2.onnx'));

  await ctx.extensionLoaded();
  await ctx.runCommand('View: Show Explorer');
  const folder = ctx.explorerItem('run').first();
  await folder.waitFor({ state: 'visible' });
  await folder.click({ button: 'right' });
  const againstPick = page.locator('.quick-input-widget .quick-input-title', {
    hasText: 'the reference of each checkpoint',
  });
  await ctx.clickMenuItem('Track Knowledge Drift', againstPick);
  await ctx.pick('the reference of each checkpoint', 'Against the previous checkpoint');

  const frame = ctx.webviewFrame();
  const heatmapCells = frame.locator('svg.drift-heatmap g.cell');
  await frame.locator('.status', { hasText: /^watching/ }).waitFor({ state: 'visible', timeout: 240_000 });
  const layers = await frame.locator('svg.drift-lines g.series').count();
  assert.ok(layers > 0, 'a line per layer');
  assert.equal(await heatmapCells.count(), layers * 2);

  // Training writes the next checkpoint: the watched folder appends its column.
  copyFileSync(epoch(3), join(run, 'epoch3.onnx'));
  await frame
    .locator('.status', { hasText: `for new checkpoints · ${layers * 2} of ${layers * 2} fits` })
    .waitFor({ state: 'visible', timeout: 240_000 });

  const fitted = frame.locator('svg.drift-heatmap g.cell[role="button"]');
  assert.equal(await heatmapCells.count(), layers * 3, 'one column per checkpoint');
  assert.equal(await fitted.count(), layers * 2, 'the first checkpoint has no previous one');
  assert.deepEqual(await frame.locator('svg.drift-heatmap text.checkpoint').allTextContents(), [
    'epoch1',
    'epoch2',
    'epoch3',
  ]);
  // Every value shown is a fraction, as in the pair panel.
  for (const text of await frame.locator('svg.drift-heatmap g.cell text').allTextContents())
    assert.match(text, /^-?\d\.\d{2,3}$|^–$/, `cell text ${text}`);
  assert.equal(await frame.locator('svg.drift-lines g.series').count(), layers);
  // The warnings wait, collapsed to one line, as in the pair panel.
  if (await frame.locator('#banner').isVisible())
    assert.equal(await frame.locator('#banner .banner-list').isVisible(), false, 'the warnings list is collapsed');

  for (const [theme, cls, shot] of [
    ['Default Light Modern', 'vs', 'drift-light'],
    ['Default Dark Modern', 'vs-dark', 'drift-dark'],
  ]) {
    ctx.writeSettings({ ...settings, 'workbench.colorTheme': theme });
    await page.locator(`.monaco-workbench.${cls}`).waitFor({ state: 'attached', timeout: 30_000 });
    await frame.locator('svg.drift-heatmap').waitFor({ state: 'visible' });
    await page.waitForTimeout(1000);
    await page.mouse.move(1300, 95);
    await ctx.screenshot(shot);
  }
}
