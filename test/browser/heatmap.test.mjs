// The panel's webview in real chromium: the built bundle, a report the engine produced on the sample models, the
// heatmap's cells and colours, the tooltip's numbers, the drill-down's bars, keyboard navigation, streaming,
// exports, state across reload, light/dark/high-contrast screenshots and the render time of a 100 × 200 matrix.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { launchChromium } from '../harness/chromium.mjs';
import {
  applyTheme,
  buildWebview,
  cellCenter,
  heatmapGeometry,
  openPanel,
  posted,
  record,
  root,
  send,
  serve,
} from './panel-page.mjs';

const report = JSON.parse(readFileSync(join(root, 'test/fixtures/reports/sample-report.json'), 'utf8'));
const outDir = join(root, '.test-output', 'browser');
const shot = (name) => join(outDir, `${name}.png`);

// One unit everywhere: fractions with three decimals (src/protocol/format.ts fmt).
const frac = (v) => v.toFixed(3);
/** A d3 colour string as [r, g, b]. */
const rgbOf = (c) =>
  c.startsWith('#') ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) : c.match(/\d+/g).map(Number);
/** The colour the view must paint for a value: viridis from d3-scale-chromatic, on the view's 256-step table. */
function expectedRgb(v) {
  const t = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  return rgbOf(interpolateViridis(t));
}

/** Rows/columns the heatmap must show: every layer in the matrix or a pair, in the report's depth order. */
function expectedLayers(side) {
  const names = new Set(report.matrix?.[side === 'a' ? 'layersA' : 'layersB'] ?? []);
  for (const p of report.pairs) names.add(side === 'a' ? p.layerA : p.layerB);
  const depth = new Map((report.models?.[side].layers ?? []).map((l) => [l.name, l.depth]));
  return [...names].sort((x, y) => (depth.get(x) ?? 0) - (depth.get(y) ?? 0));
}

/** RGB of the canvas at a cell, sampled near its bottom-left corner (clear of the value text and the marker). */
async function cellRgb(p, g, row, col) {
  return p.$eval(
    '#heatmap',
    (c, [x, y]) => {
      const dpr = window.devicePixelRatio || 1;
      return [...c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data].slice(0, 3);
    },
    [g.x0 + col * g.cell + 5, g.y0 + row * g.cell + g.cell - 6],
  );
}

/** The heatmap's keyboard selection as [row, col]. */
const selectedCell = (p) => p.$eval('#heatmap', (c) => [Number(c.dataset.selectedRow), Number(c.dataset.selectedCol)]);
/** Presses keys one after the other. */
async function press(p, ...keys) {
  for (const key of keys) await p.keyboard.press(key);
}

/** Picks an option of a dropdown (#measure, #direction) as a user does, and lets the view redraw. */
async function choose(p, dropdown, name) {
  await p.locator(dropdown).click();
  await p.locator(dropdown).getByRole('option', { name }).click();
  await send(p);
}

/** The last pair the webview asked the host to open is A→B of these layers. */
async function assertOpened(p, layerA, layerB) {
  assert.deepEqual((await posted(p, 'kc/openPair')).at(-1).focus, { layerA, layerB, direction: 'A->B' });
}

function assertRgbClose(actual, expected, what) {
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]) <= 3),
    `${what}: got rgb(${actual}) expected rgb(${expected})`,
  );
}

describe('consistency panel webview', () => {
  let context;
  let server;
  const rowsA = expectedLayers('a');
  const colsB = expectedLayers('b');
  const pairAB = report.pairs.find(
    (p) =>
      p.direction === 'A->B' &&
      report.pairs.some((q) => q.direction === 'B->A' && q.layerA === p.layerA && q.layerB === p.layerB),
  );

  /** A panel in a theme, showing the sample report's finished record. */
  async function openWithReport(theme) {
    const p = await openPanel(context, server.url, theme);
    await send(p, { type: 'kc/record', record: record(report) });
    return p;
  }

  /** Where pairAB's cell stands on the drawn heatmap. */
  async function pairABCentre(p) {
    return cellCenter(await heatmapGeometry(p), rowsA.indexOf(pairAB.layerA), colsB.indexOf(pairAB.layerB));
  }

  /** A panel in a theme with pairAB's drill-down open, as a click on its cell opens it. */
  async function drillIntoPairAB(theme) {
    const p = await openWithReport(theme);
    const { x, y } = await pairABCentre(p);
    await p.mouse.click(x, y);
    await send(p);
    return p;
  }

  before(async () => {
    mkdirSync(outDir, { recursive: true });
    buildWebview();
    server = await serve();
    context = await launchChromium({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('draws one cell per layer pair, in depth order, coloured by the explained fraction', async () => {
    const p = await openWithReport('light');
    const g = await heatmapGeometry(p);
    assert.equal(g.rows, rowsA.length);
    assert.equal(g.cols, colsB.length);
    assert.match(
      await p.$eval('#heatmap', (c) => c.getAttribute('aria-label')),
      new RegExp(`${rowsA.length} layers of A by ${colsB.length} layers of B`),
    );
    // Every finished A→B pair is painted in its exact viridis colour at its (row, col).
    let checked = 0;
    for (const q of report.pairs.filter((x) => x.direction === 'A->B' && Number.isFinite(x.explained))) {
      assertRgbClose(
        await cellRgb(p, g, rowsA.indexOf(q.layerA), colsB.indexOf(q.layerB)),
        expectedRgb(q.explained),
        `${q.layerA}×${q.layerB}`,
      );
      checked++;
    }
    assert.ok(checked > 0, 'the fixture has finished pairs');
    assert.deepEqual(p.problems, [], 'no console errors or CSP violations');
    await p.screenshot({ path: shot('heatmap-light'), fullPage: true });
    await p.close();
  });

  it('shows every number of a hovered cell in the tooltip', async () => {
    const p = await openWithReport('dark');
    const { x, y } = await pairABCentre(p);
    await p.mouse.move(x, y);
    const tip = await p.locator('#tooltip').innerText();
    // The direction named with the models' names, one arrow.
    const { a, b } = { a: report.models.a.name, b: report.models.b.name };
    assert.ok(tip.includes(`${pairAB.layerA} (${a}) × ${pairAB.layerB} (${b}), ${a} → ${b}`), tip);
    assert.ok(tip.includes(`explained: ${frac(pairAB.explained)}`), tip);
    for (const o of pairAB.orders)
      assert.ok(tip.includes(`${o.order}: ${frac(o.fraction)}`), `order ${o.order} in ${tip}`);
    assert.ok(tip.includes(`inconsistent ε: ${frac(pairAB.inconsistent.fraction)}`), tip);
    assert.ok(tip.includes(`linear CKA ${pairAB.similarity.linearCKA.toFixed(3)}`), tip);
    await p.screenshot({ path: shot('heatmap-dark-tooltip'), fullPage: true });
    await applyTheme(p, 'highContrast');
    await send(p);
    // The canvas follows a theme switch by itself (its background is drawn, not styled).
    assert.deepEqual(
      await p.$eval('#heatmap', (c) => [...c.getContext('2d').getImageData(2, 2, 1, 1).data].slice(0, 3)),
      [0, 0, 0],
    );
    await send(p, { type: 'kc/focus', focus: { layerA: pairAB.layerA, layerB: pairAB.layerB, direction: 'A->B' } });
    await p.locator('vscode-tab-header[data-tab="heatmap"]').click();
    await p.screenshot({ path: shot('heatmap-high-contrast'), fullPage: true });
    await p.close();
  });

  it("opens the pair drill-down on click with both directions' order bars", async () => {
    const p = await drillIntoPairAB('light');
    await assertOpened(p, pairAB.layerA, pairAB.layerB);
    await p.locator('#drilldown #stacked-bars').waitFor();
    // The title names both models and the direction, as every other view does.
    const { a, b } = report.models;
    assert.equal(
      await p.locator('#drill-title').innerText(),
      `${a.name}'s ${pairAB.layerA} explains ${b.name}'s ${pairAB.layerB}`,
    );
    // Every number right of the bars is drawn whole, none cut at the chart's edge.
    const overflow = await p.$$eval('#stacked-bars text', (ts) =>
      ts
        .filter((t) => t.getBBox().x + t.getBBox().width > t.ownerSVGElement.viewBox.baseVal.width)
        .map((t) => t.textContent),
    );
    assert.deepEqual(overflow, []);
    for (const dir of ['A->B', 'B->A']) {
      const pair = report.pairs.find(
        (q) => q.direction === dir && q.layerA === pairAB.layerA && q.layerB === pairAB.layerB,
      );
      const bars = await p.$$eval(`#stacked-bars rect.segment[data-direction="${dir}"]`, (rs) =>
        rs.map((r) => [r.dataset.id, Number(r.dataset.fraction)]),
      );
      assert.deepEqual(
        bars,
        [...pair.orders.map((o) => [`order${o.order}`, o.fraction]), ['inconsistent', pair.inconsistent.fraction]],
        dir,
      );
    }
    // Wider bars for larger fractions: the drawing follows the numbers.
    const widths = await p.$$eval('#stacked-bars rect.segment[data-direction="A->B"]', (rs) =>
      rs.map((r) => Number(r.getAttribute('width'))),
    );
    const fr = [...pairAB.orders.map((o) => o.fraction), pairAB.inconsistent.fraction];
    for (let i = 0; i < fr.length; i++)
      for (let j = 0; j < fr.length; j++)
        if (fr[i] > fr[j] + 0.01) assert.ok(widths[i] > widths[j], `bar ${i} > bar ${j}`);
    const channels = pairAB.maps?.perChannel ?? [];
    assert.equal(await p.locator('#channel-bars rect.channel').count(), channels.length);
    if (channels.length) {
      const firstTwo = await p.$$eval('#channel-bars rect.channel', (rs) =>
        rs.slice(0, 2).map((r) => Number(r.dataset.explained)),
      );
      assert.equal(firstTwo[0], Math.max(...channels), 'channels sorted, best first');
    }
    assert.match(await p.locator('#drilldown').innerText(), /fragile/);
    assert.match(
      await p.locator('#drilldown').innerText(),
      new RegExp(`Explained per channel of ${report.models.b.name}'s ${pairAB.layerB}`),
    );
    assert.match(await p.locator('#settings-table').innerText(), new RegExp(report.backend.name));
    // The split as the engine used it: the validation set selects the epoch, the held-out test set is reported.
    const { train, validation, test: held } = report.probe;
    assert.match(
      await p.locator('#settings-table').innerText(),
      new RegExp(`${train - validation} fit / ${validation} validation / ${held} held out`),
    );
    assert.equal(await p.locator('#drilldown polyline[data-series="validation (selects the epoch)"]').count(), 1);
    assert.match(
      await p.locator('#training-table').innerText(),
      new RegExp(`parameters of epoch ${pairAB.training.bestEpoch} kept`),
    );
    await p.screenshot({ path: shot('drilldown-light'), fullPage: true });
    // PNG of the current view (Export… in the editor title bar, PNG chosen): the drill-down's charts.
    await send(p, { type: 'kc/requestExport', format: 'png' });
    await p.waitForFunction(() => window.__posted.some((m) => m.format === 'png'));
    const png = (await posted(p, 'kc/export')).find((m) => m.format === 'png');
    assert.match(png.suggestedName, /-pair\.png$/);
    writeFileSync(shot('export-drilldown'), Buffer.from(png.dataUrl.split(',')[1], 'base64'));
    // The help link asks the host for the page that explains every number.
    await p.locator('#help').click();
    assert.deepEqual(await posted(p, 'kc/openHelp'), [{ type: 'kc/openHelp' }]);
    await applyTheme(p, 'dark');
    await send(p, { type: 'kc/status', analysisId: 'analysis-1', status: 'done' });
    await p.screenshot({ path: shot('drilldown-dark'), fullPage: true });
    // Choosing B → A turns the per-channel and ε views to A's layer, explained by B's.
    await choose(p, '#direction', `${report.models.b.name} explains ${report.models.a.name}`);
    assert.match(
      await p.locator('#drilldown').innerText(),
      new RegExp(`Explained per channel of ${report.models.a.name}'s ${pairAB.layerA}`),
    );
    const pairBA = report.pairs.find(
      (q) => q.direction === 'B->A' && q.layerA === pairAB.layerA && q.layerB === pairAB.layerB,
    );
    assert.equal(await p.locator('#channel-bars rect.channel').count(), pairBA.maps?.perChannel.length ?? 0);
    await applyTheme(p, 'highContrast');
    await send(p);
    await p.screenshot({ path: shot('drilldown-high-contrast'), fullPage: true });
    // The layer strip: one point per A→B pair, in B's depth order.
    await p.locator('vscode-tab-header[data-tab="strip"]').click();
    const strip = await p.locator('#strip-chart polyline[data-series="explained"]').getAttribute('points');
    assert.equal(strip.trim().split(/\s+/).length, report.pairs.filter((q) => q.direction === 'A->B').length);
    await p.screenshot({ path: shot('strip-dark'), fullPage: true });
    await p.close();
  });

  it('shows intervals, the debiased CKA and how the pairs were chosen: head line, tooltip, cell marker, drill-down', async () => {
    const p = await openPanel(context, server.url, 'light');
    // The sample report as a few-probe run of two architectures would give it: intervals, the debiased CKA, and
    // this pair 8× apart in size.
    const r = structuredClone(report);
    for (const q of r.pairs.filter((q) => q.layerA === pairAB.layerA && q.layerB === pairAB.layerB)) {
      q.explainedInterval = [q.explained - 0.05, Math.min(1, q.explained + 0.03)];
      q.interval = { level: 0.95, replicates: 1000, resampled: 'held-out probes' };
      q.similarity.cka = { estimator: 'unbiased', value: 0.123, interval: [0.05, 0.2], level: 0.95, replicates: 1000 };
      q.shapeA = [64, 64, 8];
      q.shapeB = [8, 8, 8];
    }
    r.pairing = {
      rule: 'relative-depth',
      pairs: [{ layerA: pairAB.layerA, layerB: pairAB.layerB, by: 'depth', scaleRatio: 8 }],
    };
    await send(p, { type: 'kc/record', record: record(r) });
    await p.locator('#pairing').waitFor();
    assert.equal(
      await p.$eval('#pairing', (e) => e.textContent),
      'paired by: depth and scale · ⚠ 1 pair > 2× apart in size',
    );
    const g = await heatmapGeometry(p);
    const { x, y } = cellCenter(g, rowsA.indexOf(pairAB.layerA), colsB.indexOf(pairAB.layerB));
    // The marker: a dark triangle in the cell's bottom-left corner (light theme), drawn over the cell's colour.
    const corner = await p.$eval(
      '#heatmap',
      (c, at) => {
        const ratio = c.width / c.getBoundingClientRect().width;
        const ctx = c.getContext('2d');
        // The darkest pixel of the cell's bottom-left quarter.
        let min = Infinity;
        for (let dx = 1; dx < at.half; dx++)
          for (let dy = 1; dy < at.half; dy++) {
            const px = ctx.getImageData(
              Math.round((at.x - at.half + dx) * ratio),
              Math.round((at.y + at.half - dy) * ratio),
              1,
              1,
            ).data;
            min = Math.min(min, px[0] + px[1] + px[2]);
          }
        return min;
      },
      { x: x - g.left, y: y - g.top, half: g.cell / 2 },
    );
    assert.ok(corner < 200, `marker pixel ${corner}`);
    await p.mouse.move(x, y);
    const tip = await p.locator('#tooltip').innerText();
    const q = r.pairs.find((q) => q.direction === 'A->B' && q.layerA === pairAB.layerA && q.layerB === pairAB.layerB);
    const interval = `[${frac(q.explainedInterval[0])}, ${frac(q.explainedInterval[1])}]`;
    assert.ok(
      tip.split('\n').some((l) => l.startsWith(`explained: ${frac(q.explained)}`) && l.endsWith(interval)),
      tip,
    );
    assert.ok(tip.includes('linear CKA (debiased) 0.123 [0.050, 0.200]'), tip);
    assert.ok(tip.includes('⚠ spatial sizes 8.0× apart'), tip);
    await p.mouse.click(x, y);
    await send(p);
    await p.locator('#drill-headline').waitFor();
    const headline = await p.locator('#drill-headline').innerText();
    assert.ok(headline.includes(`${frac(q.explained)} [${frac(q.explainedInterval[0])}`), headline);
    assert.ok(headline.includes('linear CKA (debiased) (similarity)'), headline);
    assert.ok(headline.includes('95 % bootstrap interval over'), headline);
    assert.match(
      await p.locator('#drill-pairing').innerText(),
      /^Paired by depth and scale\. ⚠ Their spatial sizes differ 8\.0×/,
    );
    await p.screenshot({ path: shot('drilldown-uncertainty'), fullPage: true });
    await p.close();
  });

  it('fills every matrix cell with CKA, also for layers the disentangler did not run on', async () => {
    const p = await openWithReport('light');
    const { layersA, layersB, measures } = report.matrix;
    const key = measures.linearCKA ? 'linearCKA' : 'linearCKAUnbiased';
    // The fixture's matrix covers more layers than the pairs: those cells exist only in the matrix.
    const paired = new Set(report.pairs.map((q) => q.layerA));
    const extra = layersA.find((n) => !paired.has(n));
    assert.ok(extra, `the matrix has a layer with no pair (rows ${layersA})`);
    await choose(p, '#measure', /^Linear CKA/);
    const g = await heatmapGeometry(p);
    for (const a of [extra, layersA[layersA.length - 1]]) {
      for (const b of [layersB[0], layersB[layersB.length - 1]]) {
        const v = measures[key][layersA.indexOf(a) * layersB.length + layersB.indexOf(b)];
        assertRgbClose(await cellRgb(p, g, rowsA.indexOf(a), colsB.indexOf(b)), expectedRgb(v), `CKA ${a}×${b}`);
      }
    }
    const { x, y } = cellCenter(g, rowsA.indexOf(extra), colsB.indexOf(layersB[0]));
    await p.mouse.move(x, y);
    const tip = await p.locator('#tooltip').innerText();
    assert.ok(tip.includes(`linear CKA ${measures[key][layersA.indexOf(extra) * layersB.length].toFixed(3)}`), tip);
    assert.match(tip, /disentangler: not run on this pair/);
    await p.screenshot({ path: shot('heatmap-cka-all-layers'), fullPage: true });
    // Under the explained fraction the same cell holds only the ridge bound, and says it stands in for good.
    await choose(p, '#measure', /^Explained fraction/);
    await p.mouse.move(x + 1, y);
    assert.match(
      await p.locator('#tooltip').innerText(),
      /ridge lower bound; the disentangler did not run on this pair/,
    );
    await p.close();
  });

  it('draws each ε map over the probe image of its held-out sample', async () => {
    const p = await drillIntoPairAB('light');
    const samples = pairAB.maps?.samples ?? [];
    assert.ok(samples.length > 0 && samples.every((s) => s.image), 'the fixture carries probe images');
    const s = samples[0];
    const canvas = p.locator(`#drilldown canvas[aria-label="probe #${s.index}: ε energy"]`);
    await canvas.waitFor();
    const size = await canvas.evaluate((c) => c.width);
    const pixels = await canvas.evaluate((c) => [...c.getContext('2d').getImageData(0, 0, c.width, c.height).data]);
    // The view blends magma(ε) at 0.55 over the grey probe image: check that blend where both are constant.
    const { height: h, width: w } = pairAB.maps.perPosition;
    const all = samples.flatMap((q) => q.inconsistentEnergy);
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const img = s.image;
    let checked = 0;
    for (let iy = 0; iy < img.height; iy += 3) {
      for (let ix = 0; ix < img.width; ix += 3) {
        const px = Math.floor(((ix + 0.5) * size) / img.width);
        const py = Math.floor(((iy + 0.5) * size) / img.height);
        const gx = (px * w) / size;
        const gy = (py * h) / size;
        if (gx % 1 < 0.1 || gx % 1 > 0.9 || gy % 1 < 0.1 || gy % 1 > 0.9) continue;
        const e = s.inconsistentEnergy[Math.floor(gy) * w + Math.floor(gx)];
        const eps = rgbOf(interpolateMagma((e - lo) / (hi - lo || 1)));
        const grey = 255 * img.values[(iy * img.width + ix) * img.channels];
        const at = (py * size + px) * 4;
        assertRgbClose(
          pixels.slice(at, at + 3),
          eps.map((c) => Math.round(0.55 * c + 0.45 * grey)),
          `probe #${s.index} at (${ix}, ${iy})`,
        );
        checked++;
      }
    }
    assert.ok(checked > 20, `checked ${checked} pixels`);
    await canvas.scrollIntoViewIfNeeded();
    await p.screenshot({ path: shot('drilldown-probe-images'), fullPage: true });
    await p.close();
  });

  it('moves the selection with the arrow keys and opens the selected pair with Enter', async () => {
    const p = await openWithReport('light');
    await p.locator('#heatmap').focus();
    assert.deepEqual(await selectedCell(p), [0, 0]);
    await press(p, 'ArrowRight', 'ArrowRight', 'ArrowDown');
    assert.deepEqual(await selectedCell(p), [1, 2]);
    await press(p, 'ArrowLeft');
    assert.deepEqual(await selectedCell(p), [1, 1]);
    const cell = new RegExp(`^${rowsA[1]} \\(${report.models.a.name}\\) × ${colsB[1]} \\(${report.models.b.name}\\)`);
    assert.match(await p.locator('#tooltip').innerText(), cell);
    assert.match(await p.locator('#announcer').innerText(), cell, 'screen readers hear the cell');
    await press(p, 'End');
    assert.deepEqual(await selectedCell(p), [1, colsB.length - 1]);
    await press(p, 'Home', 'Enter');
    await assertOpened(p, rowsA[1], colsB[0]);
    await p.close();
  });

  it('keeps the selected cell (its layers, not its grid position) when the order changes', async () => {
    const p = await openWithReport('light');
    await p.locator('#heatmap').focus();
    await press(p, 'ArrowRight', 'ArrowDown');
    await p.evaluate(() => {
      const s = document.getElementById('sort');
      s.value = 'value';
      s.dispatchEvent(new Event('change'));
    });
    await send(p);
    // The sort moved that cell elsewhere on the grid, and the selection went with it.
    assert.notDeepEqual(await selectedCell(p), [1, 1]);
    await p.locator('#heatmap').focus();
    await press(p, 'Enter');
    await assertOpened(p, rowsA[1], colsB[1]);
    await p.close();
  });

  it('fills cells in as results stream: ridge bound first (inset), the disentangler value when it lands', async () => {
    const p = await openPanel(context, server.url, 'light');
    const running = record({ ...report, pairs: [] }, { status: 'running' });
    await send(p, { type: 'kc/record', record: running });
    const g = await heatmapGeometry(p);
    const r = rowsA.indexOf(pairAB.layerA);
    const c = colsB.indexOf(pairAB.layerB);
    const faded = await cellRgb(p, g, r, c);
    assert.notDeepEqual(
      faded,
      expectedRgb(pairAB.explained),
      'before the pair lands, the cell is not the final colour',
    );
    await send(p, {
      type: 'kc/progress',
      analysisId: 'analysis-1',
      progress: {
        message: 'disentangling 1/12',
        fraction: 0.1,
        running: [{ layerA: pairAB.layerA, layerB: pairAB.layerB, direction: 'A->B' }],
      },
    });
    assert.match(await p.locator('#progress').innerText(), /disentangling 1\/12/);
    const { x, y } = cellCenter(g, r, c);
    await p.mouse.move(x, y);
    assert.match(await p.locator('#tooltip').innerText(), /ridge lower bound.*\n[\s\S]*disentangler: running/);
    await p.screenshot({ path: shot('heatmap-streaming'), fullPage: true });
    await send(p, { type: 'kc/pairResult', analysisId: 'analysis-1', pair: pairAB });
    assertRgbClose(await cellRgb(p, g, r, c), expectedRgb(pairAB.explained), 'after the pair lands');
    assert.ok(
      (await p.locator('#tooltip').innerText()).includes(`explained: ${frac(pairAB.explained)}`),
      'the open tooltip follows the result',
    );
    await send(p, { type: 'kc/status', analysisId: 'analysis-1', status: 'done' });
    assert.equal(await p.locator('#progress').isHidden(), true);
    assert.match(await p.locator('#status').innerText(), /done · 1 pair/);
    await p.close();
  });

  it('says why there is no heatmap for a failed analysis', async () => {
    const p = await openPanel(context, server.url, 'light');
    await send(p, {
      type: 'kc/record',
      record: record(report, { status: 'failed', error: 'worker crashed (out of memory)', report: undefined }),
    });
    assert.match(await p.locator('#banner').innerText(), /Failed: worker crashed \(out of memory\)/);
    assert.match(await p.locator('#heatmap-empty').innerText(), /no results/);
    assert.equal(await p.locator('#heatmap').isVisible(), false);
    assert.equal(await p.locator('#legend').isVisible(), false);
    assert.deepEqual(p.problems, []);
    await p.close();
  });

  it('keeps warnings in a collapsed area of the head row: late warnings do not move the heatmap', async () => {
    const p = await openPanel(context, server.url, 'dark');
    const quiet = { ...report, warnings: [], probe: { ...report.probe, warning: undefined } };
    await send(p, { type: 'kc/record', record: record(quiet) });
    assert.equal(await p.locator('#banner').isVisible(), false);
    const before = await p.locator('#heatmap').boundingBox();
    const warnings = [
      'layer B "pool1": 1 of 8 channels are constant',
      'layer A "relu3": 27 of 64 channels are constant',
    ];
    await send(p, { type: 'kc/record', record: record({ ...quiet, warnings }) });
    assert.equal(await p.locator('#banner').isVisible(), true);
    assert.match(await p.locator('#banner summary').innerText(), /pool1[\s\S]*\(\+1 more\)/);
    assert.deepEqual(await p.locator('#heatmap').boundingBox(), before, 'the heatmap stays where it was');
    // Opened, the list lies over the content: still nothing moves, and every warning is there.
    await p.locator('#banner summary').click();
    assert.equal(await p.locator('#banner .banner-list > div').count(), 2);
    assert.equal(await p.locator('#banner .banner-list').isVisible(), true);
    assert.deepEqual(await p.locator('#heatmap').boundingBox(), before, 'the open list overlays');
    await p.screenshot({ path: shot('warnings-open-dark'), fullPage: false });
    await applyTheme(p, 'highContrast');
    await send(p);
    await p.screenshot({ path: shot('warnings-open-high-contrast'), fullPage: false });
    await p.close();
  });

  it('exports CSV and PNG through the host, and keeps its state across a reload', async () => {
    const p = await openWithReport('dark');
    // Export… in the editor title bar asks the webview for what only it has, in the chosen format.
    await send(p, { type: 'kc/requestExport', format: 'csv' });
    const csv = (await posted(p, 'kc/export')).at(-1);
    assert.equal(csv.format, 'csv');
    const lines = csv.content.trim().split('\n');
    assert.equal(lines.length, rowsA.length + 1);
    assert.deepEqual(lines[0].split(',').slice(1), colsB);
    const row = lines[rowsA.indexOf(pairAB.layerA) + 1].split(',');
    assert.equal(Number(row[colsB.indexOf(pairAB.layerB) + 1]), pairAB.explained);
    await send(p, { type: 'kc/requestExport', format: 'png' });
    await p.waitForFunction(() => window.__posted.some((m) => m.format === 'png'));
    const png = (await posted(p, 'kc/export')).find((m) => m.format === 'png');
    assert.match(png.dataUrl, /^data:image\/png;base64,/);
    assert.ok(png.dataUrl.length > 5000, 'the PNG holds the drawing');
    assert.match(png.suggestedName, /^kc-.*-heatmap\.png$/);
    writeFileSync(shot('export-heatmap'), Buffer.from(png.dataUrl.split(',')[1], 'base64'));

    // Choose a measure, reload: the webview asks for the same analysis and keeps the measure.
    await choose(p, '#measure', 'Linear CKA (similarity)');
    assert.match(await p.locator('#legend').getAttribute('aria-label'), /Linear CKA/);
    await p.reload();
    await applyTheme(p, 'dark');
    await p.waitForFunction(() => window.__posted.some((m) => m.type === 'kc/ready'));
    assert.deepEqual((await posted(p, 'kc/ready'))[0], { type: 'kc/ready', analysisId: 'analysis-1' });
    await send(p, { type: 'kc/record', record: record(report) });
    assert.equal(await p.$eval('#measure', (s) => s.value), 'linearCKA');
    await p.close();
  });

  it('renders a 100 × 200 matrix (time printed, not asserted)', async () => {
    const p = await openPanel(context, server.url, 'dark');
    const rows = Array.from({ length: 100 }, (_, i) => `a.block${i}.conv`);
    const cols = Array.from({ length: 200 }, (_, j) => `b.block${j}.conv`);
    const cka = Array.from({ length: 100 * 200 }, (_, k) =>
      Math.exp(-Math.abs(Math.floor(k / 200) / 100 - (k % 200) / 200) * 4),
    );
    const big = {
      ...report,
      models: undefined,
      pairs: [],
      matrix: { layersA: rows, layersB: cols, measures: { linearCKA: cka } },
    };
    const t0 = Date.now();
    await send(p, { type: 'kc/record', record: record(big) });
    const wall = Date.now() - t0;
    const g = await heatmapGeometry(p);
    assert.equal(g.rows, 100);
    assert.equal(g.cols, 200);
    const times = [];
    for (const measure of ['linearCKA', 'explained', 'linearCKA']) {
      await p.evaluate((m) => {
        const s = document.getElementById('measure');
        s.value = m;
        s.dispatchEvent(new Event('change'));
      }, measure);
      await send(p);
      times.push(await p.evaluate(() => performance.getEntriesByName('kc-heatmap-render').at(-1).duration));
    }
    console.log(
      `# 100 × 200 heatmap: first paint ${wall} ms (message → 2 frames), rebuild + draw ${times.map((t) => t.toFixed(1)).join(' / ')} ms`,
    );
    await p.screenshot({ path: shot('heatmap-100x200') });
    await p.close();
  });
});
