// A person with a 1-second time budget (knowledgeConsistency.budget) starts a comparison that is estimated above it:
// before anything heavy runs, a quick pick offers the whole run with its estimate, the run that fits inside the budget
// (fewer layer pairs and probes) and Cancel. They fit it inside; the panel then shows the one layer pair the budget
// kept. Leaves .test-output/ui/budget-choice.png.

export default async function budget(ctx) {
  const { page } = ctx;
  ctx.writeSettings({ 'knowledgeConsistency.probe.count': 400, 'knowledgeConsistency.budget': '1s' });
  await ctx.extensionLoaded();
  await ctx.compareFromPalette({ a: 'mnist-cnn-seed1', b: 'mnist-cnn-seed2', probes: 'mnist', preset: 'fast' });

  // The estimate (models loaded and timed on a few probes) comes first; three layer pairs at 400 probes are over 1 s.
  const quickInput = page.locator('.quick-input-widget');
  await quickInput
    .locator('.quick-input-title', { hasText: /estimated at .*, over the budget of 1 s/ })
    .waitFor({ state: 'visible', timeout: 120_000 });
  const rows = quickInput.locator('.monaco-list-row');
  await rows
    .filter({ hasText: /^Run all \(≈ .+\)/ })
    .first()
    .waitFor({ state: 'visible' });
  await rows.filter({ hasText: 'Fit inside 1 s (1 layer pair, 160 probes)' }).first().waitFor({ state: 'visible' });
  await rows.filter({ hasText: 'Cancel' }).first().waitFor({ state: 'visible' });
  await ctx.screenshot('budget-choice');
  await ctx.pick('over the budget', 'Fit inside');

  // What runs is the budget's choice: the panel's result has the one kept layer pair, in each direction (6 without).
  const status = ctx.webviewFrame().locator('#status');
  await status.filter({ hasText: /^done · 2 pairs$/ }).waitFor({ state: 'visible', timeout: 240_000 });
}
