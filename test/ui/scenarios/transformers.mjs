// A Hugging Face user with two tiny BERT encoders (model.onnx + tokenizer.json each) and a file of texts: the sidebar
// lists each model's token layers (1×T maps); the compare wizard offers the workspace's text file as the probe; the
// heatmap fills in; a cell's drill-down shows the explained fraction per token position with the tokens of a text
// under its map. Leaves .test-output/ui/transformers-sidebar.png, transformers.png and transformers-drilldown.png.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../harness/workspace.mjs';

const FIXTURES = join(repoRoot, 'test/unit/engine/models/transformers/fixtures');

export default async function transformers(ctx) {
  const { page } = ctx;
  for (const seed of ['seed1', 'seed2']) {
    for (const file of ['model.onnx', 'tokenizer.json']) {
      mkdirSync(join(ctx.workspaceDir, 'bert', `tiny-bert-${seed}`), { recursive: true });
      cpSync(join(FIXTURES, `tiny-bert-${seed}`, file), join(ctx.workspaceDir, 'bert', `tiny-bert-${seed}`, file));
    }
  }
  cpSync(join(FIXTURES, 'probe.txt'), join(ctx.workspaceDir, 'bert', 'sentences.txt'));
  // Token positions: the drill-down's map is one row of L tokens, the case this scenario is about.
  ctx.writeSettings({
    'knowledgeConsistency.probe.count': 96,
    'knowledgeConsistency.epochs': 3,
    'knowledgeConsistency.probe.tokens': 'positions',
  });

  // Sidebar: the model's layers are token maps (1×16×C), the attention scores marked as such.
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  const models = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^\s*Models/ }) });
  const rows = models.locator('.monaco-list-row');
  const seed1 = rows.filter({ hasText: /tiny-bert-seed1\s*ONNX/ }).first();
  await seed1.waitFor({ state: 'visible', timeout: 60_000 });
  await seed1.click();
  const tokenRows = rows.filter({ hasText: /1×16×32/ });
  await tokenRows.first().waitFor({ state: 'visible', timeout: 60_000 });
  assert.ok((await tokenRows.count()) >= 2, `only ${await tokenRows.count()} token layers under tiny-bert-seed1`);
  await rows.filter({ hasText: 'probe point' }).first().waitFor({ state: 'visible' });
  await page.mouse.move(700, 450);
  await ctx.screenshot('transformers-sidebar');

  // The wizard offers the workspace's text file for the sequence models.
  await ctx.runCommand('Knowledge Consistency: Compare Knowledge Consistency');
  await ctx.pick('model A', 'tiny-bert-seed1');
  await ctx.pick('model B', 'tiny-bert-seed2');
  await ctx.pick('probe inputs', 'sentences.txt');
  await ctx.pick('disentangler preset', 'fast');
  await ctx.pick('layers to compare', 'Probe points');
  await ctx.pick('start', 'Start the comparison');

  const frame = ctx.webviewFrame();
  await frame.locator('#status').filter({ hasText: /^done/ }).waitFor({ state: 'visible', timeout: 240_000 });
  const heatmap = frame.locator('#heatmap');
  await heatmap.waitFor({ state: 'visible' });
  const g = await heatmap.evaluate((c) => ({
    rows: +c.dataset.rows,
    cols: +c.dataset.cols,
    cell: +c.dataset.cell,
    x0: +c.dataset.x0,
    y0: +c.dataset.y0,
  }));
  assert.ok(g.rows >= 2 && g.cols >= 2, `heatmap has ${g.rows} × ${g.cols} cells`);
  const box = await heatmap.boundingBox();
  let found;
  for (let r = g.rows - 1; r >= 0 && !found; r--)
    for (let c = g.cols - 1; c >= 0 && !found; c--) {
      const at = { x: box.x + g.x0 + (c + 0.5) * g.cell, y: box.y + g.y0 + (r + 0.5) * g.cell };
      await page.mouse.move(at.x, at.y);
      if (/explained: \d/.test(await frame.locator('#tooltip').innerText())) found = at;
    }
  assert.ok(found, 'no heatmap cell shows a disentangler result');
  await ctx.screenshot('transformers');

  // Drill-down: the per-position map is one row of token positions, with a text's tokens under it ([CLS] first).
  await page.mouse.click(found.x, found.y);
  await frame.locator('#stacked-bars rect.segment').first().waitFor({ state: 'visible', timeout: 10_000 });
  await frame
    .locator('figcaption', { hasText: /explained per position \(1×\d+, tokens of probe #/ })
    .waitFor({ state: 'visible' });
  const tokens = frame.locator('.map-tokens').first();
  await tokens.waitFor({ state: 'visible' });
  assert.match(await tokens.innerText(), /\[CLS\]/);
  await frame.locator('.maps').first().scrollIntoViewIfNeeded();
  await ctx.screenshot('transformers-drilldown');
}
