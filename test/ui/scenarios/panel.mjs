// A person compares two sample models from the palette and reads the consistency panel: while it runs, results
// fill in live (progress, finished pairs, the running cell marked); then the heatmap is drawn (one cell per layer
// pair), hovering a cell shows its numbers, clicking it opens the pair drill-down.
// Hidden behind another editor and after a window reload, the panel comes back where the person left it, from the
// cached result (no second run). Leaves .test-output/ui/panel-running.png, panel.png, panel-drilldown.png and
// panel-restored.png.

export default async function panel(ctx) {
  const { page } = ctx;
  // Long enough to watch it run (the thorough preset's patience outlasts the epochs: every pair trains all 100; the
  // fast preset stops within seconds, before the panel has loaded), short enough for CI (≈15 s in `kc compare`).
  ctx.writeSettings({ 'knowledgeConsistency.probe.count': 512, 'knowledgeConsistency.epochs': 100 });
  await ctx.extensionLoaded();
  await ctx.compareFromPalette({ a: 'mnist-cnn-seed1', b: 'mnist-cnn-seed2', probes: 'mnist', preset: 'thorough' });

  const frame = ctx.webviewFrame();
  const status = frame.locator('#status');
  const heatmap = frame.locator('#heatmap');
  const geometry = () =>
    heatmap.evaluate((c) => ({
      rows: +c.dataset.rows,
      cols: +c.dataset.cols,
      cell: +c.dataset.cell,
      x0: +c.dataset.x0,
      y0: +c.dataset.y0,
    }));
  const cellAt = (box, g, r, c) => ({ x: box.x + g.x0 + (c + 0.5) * g.cell, y: box.y + g.y0 + (r + 0.5) * g.cell });

  // Live: the panel opens on the running analysis, shows the engine's progress, and pairs land before the end.
  await status.filter({ hasText: /^running/ }).waitFor({ state: 'visible', timeout: 120_000 });
  await frame
    .locator('#progress')
    .filter({ hasText: /pair \d+\/\d+/ })
    .waitFor({ state: 'visible', timeout: 120_000 });
  await status.filter({ hasText: /^running · [1-9]/ }).waitFor({ state: 'visible', timeout: 240_000 });
  // The cells of pairs the disentangler is still on say so. Sweep every cell's tooltip inside the webview (one round
  // trip: a sweep with real mouse moves takes longer than a pair under load), then hover a marked cell for real.
  const markedCells = () =>
    heatmap.evaluate((canvas) => {
      const d = canvas.dataset;
      const rect = canvas.getBoundingClientRect();
      const tip = canvas.ownerDocument.getElementById('tooltip');
      const cells = [];
      for (let r = 0; r < +d.rows; r++)
        for (let c = 0; c < +d.cols; c++) {
          const at = {
            clientX: rect.left + +d.x0 + (c + 0.5) * +d.cell,
            clientY: rect.top + +d.y0 + (r + 0.5) * +d.cell,
          };
          canvas.dispatchEvent(new MouseEvent('mousemove', { ...at, bubbles: true }));
          if (/disentangler: running/.test(tip?.textContent ?? '')) cells.push({ r, c });
        }
      canvas.dispatchEvent(new MouseEvent('mouseleave'));
      return cells;
    });
  let marked = false;
  while (!marked && /^running/.test(await status.innerText())) {
    const cells = await markedCells();
    if (cells.length === 0) await page.waitForTimeout(250); // poll, not a busy loop
    for (const cell of cells) {
      const { x, y } = cellAt(await heatmap.boundingBox(), await geometry(), cell.r, cell.c);
      await page.mouse.move(x, y);
      marked = /disentangler: running/.test(
        await frame
          .locator('#tooltip')
          .innerText()
          .catch(() => ''),
      );
      if (marked) break;
    }
  }
  if (!marked) throw new Error('no heatmap cell was marked as running while the analysis ran');
  await ctx.screenshot('panel-running');

  await status.filter({ hasText: /^done/ }).waitFor({ state: 'visible', timeout: 240_000 });
  await heatmap.waitFor({ state: 'visible' });
  const g = await geometry();
  if (!(g.rows > 0 && g.cols > 0)) throw new Error(`heatmap has ${g.rows} × ${g.cols} cells`);

  // Hover the first disentangler cell (a default pair): the tooltip names it and shows its explained fraction.
  const box = await heatmap.boundingBox();
  let found;
  for (let r = 0; r < g.rows && !found; r++)
    for (let c = 0; c < g.cols && !found; c++) {
      const { x, y } = cellAt(box, g, r, c);
      await page.mouse.move(x, y);
      const text = await frame.locator('#tooltip').innerText();
      if (/explained: \d/.test(text)) found = { r, c, text };
    }
  if (!found) throw new Error('no heatmap cell shows a disentangler result in its tooltip');
  await ctx.screenshot('panel');

  const { x, y } = cellAt(box, g, found.r, found.c);
  await page.mouse.click(x, y);
  await frame.locator('#stacked-bars rect.segment').first().waitFor({ state: 'visible', timeout: 10_000 });
  const title = await frame.locator('#drill-title').innerText();
  await ctx.screenshot('panel-drilldown');

  // Hidden: the webview is discarded (no retainContextWhenHidden) and rebuilt from its saved state when shown.
  await ctx.openFile('README.md');
  await page.locator('.tabs-container .tab', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' }).click();
  await ctx.webviewFrame().locator('#drill-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });

  // Reloaded: the serializer restores the panel from the cached analysis; nothing runs again.
  await page.evaluate(() => {
    window.kcBeforeReload = true;
  });
  await ctx.runCommand('Developer: Reload Window');
  const restored = ctx.webviewFrame();
  await restored.locator('#drill-title', { hasText: title }).waitFor({ state: 'visible', timeout: 90_000 });
  if (await page.evaluate(() => window.kcBeforeReload === true)) throw new Error('the window did not reload');
  await restored.locator('#status', { hasText: /^done/ }).waitFor({ state: 'visible' });
  if (
    await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'mnist-cnn-seed1 ↔ mnist-cnn-seed2' })
      .count()
  ) {
    throw new Error('the restored panel started the comparison again');
  }
  await ctx.screenshot('panel-restored');
}
