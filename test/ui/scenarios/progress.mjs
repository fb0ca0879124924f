// A person runs "Compare Knowledge Consistency" from the palette, picks two models, the probe and the preset, and
// watches the cancellable progress notification report the engine's real progress; Cancel stops it.
// Leaves .test-output/ui/progress.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default async function progress(ctx) {
  const { page } = ctx;
  // Enough work to watch the notification, with a small probe.
  mkdirSync(join(ctx.workspaceDir, '.vscode'), { recursive: true });
  writeFileSync(join(ctx.workspaceDir, '.vscode/settings.json'), JSON.stringify({ 'knowledgeConsistency.probe.count': 128, 'knowledgeConsistency.epochs': 400 }));
  const quickInput = page.locator('.quick-input-widget');
  const pick = async (text) => {
    await quickInput.locator('.monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible' });
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };

  // The extension's contributions are loaded once its Activity Bar icon shows.
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').waitFor({ state: 'visible', timeout: 60_000 });
  await ctx.runCommand('Knowledge Consistency: Compare Knowledge Consistency');
  await pick('mnist-cnn-seed1');
  await pick('mnist-cnn-seed2');
  await pick('mnist');
  await pick('fast');

  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' }).first();
  await toast.waitFor({ state: 'visible', timeout: 60_000 });
  // The sidebar shows the running analysis next to the notification.
  await page.locator('.activitybar .action-item a[aria-label^="Knowledge Consistency"]').click();
  await page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Analyses/ }) }).locator('.monaco-list-row', { hasText: 'running' }).first().waitFor({ state: 'visible' });
  // Real progress: the disentangler's epochs on a layer pair, with its loss.
  await toast.locator('.notification-list-item-message', { hasText: /pair \d+\/\d+ .* epoch [1-9]\d*\/\d+ · loss/ }).waitFor({ state: 'visible', timeout: 120_000 });
  await page.mouse.move(700, 300);
  await ctx.screenshot('progress');
  await toast.hover();
  await toast.getByRole('button', { name: 'Cancel' }).click();
  await toast.waitFor({ state: 'hidden', timeout: 30_000 });
}
