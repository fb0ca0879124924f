// A person runs "Compare Knowledge Consistency" from the palette and goes through its wizard (one quick input with a
// step counter: two models, the probe, the preset, going Back once, the layers, Start), then watches the cancellable
// progress notification report the engine's real progress; Cancel stops it. Leaves .test-output/ui/compare-wizard.png
// and progress.png.

export default async function progress(ctx) {
  const { page } = ctx;
  // A modest probe; the thorough preset (patient early stopping) keeps it running until we cancel.
  ctx.writeSettings({ 'knowledgeConsistency.probe.count': 512 });
  const quickInput = page.locator('.quick-input-widget');
  // Each picker has its own title: wait for it, so keys never land in the picker before.
  const pick = async (title, text) => {
    await quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
    await quickInput.locator('.monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible' });
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };

  await ctx.extensionLoaded();
  // (Not ctx.runCommand: it waits for the palette to close, and this command opens its own pickers at once.)
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible' });
  await page.keyboard.type('Knowledge Consistency: Compare Knowledge Consistency');
  await quickInput
    .locator('.monaco-list-row', { hasText: 'Knowledge Consistency: Compare Knowledge Consistency' })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await pick('model A', 'mnist-cnn-seed1');
  await pick('model B', 'mnist-cnn-seed2');
  await pick('probe inputs', 'mnist');
  // One wizard: the step counter shows where we are, and Back returns to the previous step.
  await quickInput.locator('.quick-input-title', { hasText: 'disentangler preset' }).waitFor({ state: 'visible' });
  await quickInput.getByText('4/6').waitFor({ state: 'visible' });
  await ctx.screenshot('compare-wizard');
  await quickInput.getByRole('button', { name: 'Back' }).click();
  await pick('probe inputs', 'mnist');
  await pick('disentangler preset', 'thorough');
  await pick('layers to compare', 'Probe points');
  await pick('start', 'Start the comparison');

  // The sidebar shows the running analysis next to the notification.
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  await page
    .locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Analyses/ }) })
    .locator('.monaco-list-row', { hasText: 'running' })
    .first()
    .waitFor({ state: 'visible' });
  // VS Code with the smoke-test driver on (code-server 4.139.1 in the harness) never shows toasts: the progress
  // notification is read in the notification center, on every version alike.
  await ctx.runCommand('Notifications: Show Notifications');
  const item = page
    .locator('.notifications-center .notification-list-item', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' })
    .first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  // Real progress: the disentangler's epochs on a layer pair, with its loss.
  await item
    .locator('.notification-list-item-message', { hasText: /pair \d+\/\d+ .* epoch [1-9]\d*\/\d+ · loss/ })
    .waitFor({ state: 'visible', timeout: 120_000 });
  await page.mouse.move(700, 300);
  await ctx.screenshot('progress');
  await item.hover();
  await item.getByRole('button', { name: 'Cancel' }).click();
  await item.waitFor({ state: 'hidden', timeout: 30_000 });
}
