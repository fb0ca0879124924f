// The family and drift panel's webview (dist/webview-family.js) in real chromium, under the panel's CSP: reports the
// engine produced (kc family on seed1, seed2 and seed1's TF.js copy; kc drift on the torch-export run), the cells and
// their colours, the reliability line, clicking down to a pair, a growing report, and the drift heatmap and lines.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { interpolateViridis } from 'd3-scale-chromatic';
import { launchChromium } from '../harness/chromium.mjs';
import { openPanel, root, send, serve } from './panel-page.mjs';

const family = JSON.parse(readFileSync(join(root, 'test/fixtures/reports/family-report.json'), 'utf8'));
const drift = JSON.parse(readFileSync(join(root, 'test/fixtures/reports/drift-report.json'), 'utf8'));
const outDir = join(root, '.test-output', 'browser');
function viridisHex(v) {
  const t = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  const c = interpolateViridis(t);
  return c.startsWith('#')
    ? c
    : `#${c
        .match(/\d+/g)
        .map((x) => Number(x).toString(16).padStart(2, '0'))
        .join('')}`;
}

describe('family and drift panel (real chromium)', () => {
  let context;
  let server;
  before(async () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'webview-family'], { cwd: root });
    mkdirSync(outDir, { recursive: true });
    server = await serve('webview-family', 'Family');
    context = await launchChromium({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('draws one N × N matrix per layer in the report colours, the diagonal empty, and a cell click asks for that pair', async () => {
    const p = await openPanel(context, server.url, 'light');
    await send(p, { type: 'kc/manyModel', report: family, status: 'done' });
    const n = family.models.length;
    const figures = await p.$$eval('figure.multiple', (fs) => fs.map((f) => f.dataset.layer));
    assert.deepEqual(figures, family.layers);
    for (const [l, layer] of family.layers.entries()) {
      const cells = await p.$$eval(`figure[data-layer="${layer}"] g.cell rect`, (rs) =>
        rs.map((r) => ({ fill: r.getAttribute('fill'), value: r.dataset.value })),
      );
      assert.equal(cells.length, n * n);
      cells.forEach((c, k) => {
        const [i, j] = [Math.floor(k / n), k % n];
        const v = family.matrix[l][i][j];
        if (i === j) assert.equal(c.fill, 'none', `${layer} diagonal ${i}`);
        else assert.equal(c.fill, viridisHex(v), `${layer} ${i}→${j} = ${v}`);
      });
    }
    // Fractions, as in the pair panel (two decimals in a cell), never percentages.
    const texts = await p.$$eval(`figure[data-layer="${family.layers[0]}"] g.cell text`, (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.deepEqual(
      texts,
      family.matrix[0].flatMap((row, i) => row.filter((_, j) => j !== i).map((v) => v.toFixed(2))),
    );
    // The models' numbers: the key beside the matrices, each axis number naming its model on hover.
    assert.deepEqual(
      await p.$$eval('.matrices > ol.models li', (ls) => ls.map((l) => l.textContent)),
      family.models.map((m) => m.name),
    );
    const axis = await p.$$eval(`figure[data-layer="${family.layers[0]}"] text.model-number title`, (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.deepEqual(axis.slice(0, 2), [`1: ${family.models[0].name}`, `1: ${family.models[0].name}`]);
    // The warnings: the pair panel's collapsed area, the first one and how many more; the list opens on a click.
    assert.equal(await p.locator('#banner .banner-list').isVisible(), false);
    assert.equal(
      await p.locator('#banner summary').textContent(),
      `${family.warnings[0]} (+${family.warnings.length - 1} more)`,
    );
    await p.locator('#banner summary').click();
    assert.equal(await p.locator('#banner .banner-list > div').count(), family.warnings.length);
    await p.locator('#banner summary').click();
    // seed1 (1) explains its TF.js copy (3): the brightest cell of the first layer's matrix.
    await p.click(`figure[data-layer="${family.layers[0]}"] g.cell[data-source="0"][data-target="2"]`);
    await p.keyboard.press('Tab');
    await p.keyboard.press('Enter');
    const asked = await p.evaluate(() => window.__posted.filter((m) => m.type === 'kc/openPair'));
    assert.deepEqual(asked[0], { type: 'kc/openPair', layer: family.layers[0], source: 0, target: 2 });
    assert.equal(asked.length, 2, 'Enter on the next cell asks too');
    assert.deepEqual(p.problems, []);
    await p.screenshot({ path: join(outDir, 'family-light.png'), fullPage: true });
    await p.close();
  });

  it('plots the reliability by depth: a point per layer at its mean, higher means drawn higher', async () => {
    const p = await openPanel(context, server.url, 'dark');
    await send(p, { type: 'kc/manyModel', report: family, status: 'done' });
    const points = await p.$$eval('svg.reliability circle.point', (cs) =>
      cs.map((c) => ({ layer: c.dataset.layer, mean: Number(c.dataset.mean), y: Number(c.getAttribute('cy')) })),
    );
    assert.deepEqual(
      points.map((q) => q.layer),
      family.layers,
    );
    points.forEach((q, k) => assert.ok(Math.abs(q.mean - family.reliability[k].mean) < 1e-12));
    const byMean = [...points].sort((a, b) => a.mean - b.mean);
    for (let k = 1; k < byMean.length; k++) assert.ok(byMean[k].y <= byMean[k - 1].y, 'a higher mean is drawn higher');
    assert.equal(await p.$$eval('svg.reliability line.whisker', (ls) => ls.length), family.layers.length);
    await p.screenshot({ path: join(outDir, 'family-dark.png'), fullPage: true });
    await p.close();
  });

  it('a growing report fills its cells as fits arrive, and keeps the focused cell focused', async () => {
    const p = await openPanel(context, server.url);
    const first = family.fits.slice(0, 1);
    const partial = {
      ...family,
      fits: first,
      matrix: family.matrix.map((m, l) =>
        m.map((row, i) =>
          row.map((_, j) =>
            first.some((f) => f.layer === family.layers[l] && f.source === i && f.target === j) ? m[i][j] : null,
          ),
        ),
      ),
    };
    await send(p, { type: 'kc/manyModel', report: partial, status: 'running', message: 'pair 2/12' });
    assert.equal(await p.$$eval('g.cell[role="button"]', (cs) => cs.length), 1);
    assert.match(await p.textContent('.status'), /running · 1 of \d+ fits · pair 2\/12/);
    await p.focus('g.cell[role="button"]');
    await send(p, { type: 'kc/manyModel', report: family, status: 'done' });
    const n = family.models.length;
    assert.equal(await p.$$eval('g.cell[role="button"]', (cs) => cs.length), family.layers.length * n * (n - 1));
    const focused = await p.evaluate(() => document.activeElement?.getAttribute('data-cell'));
    assert.equal(focused, `${first[0].source}>${first[0].target}>${first[0].layer}`);
    await p.close();
  });

  it('drift: a layer × checkpoint heatmap (the first checkpoint against the previous has none) and a line per layer', async () => {
    const p = await openPanel(context, server.url);
    const previous = {
      ...drift,
      against: 'previous',
      series: drift.series.map((s) => s.map((v, k) => (k === 0 ? null : v))),
    };
    await send(p, {
      type: 'kc/manyModel',
      report: previous,
      status: 'watching',
      message: 'watching run for new checkpoints',
    });
    const k = drift.checkpoints.length;
    assert.equal(await p.$$eval('svg.drift-heatmap g.cell', (cs) => cs.length), drift.layers.length * k);
    const buttons = await p.$$eval('svg.drift-heatmap g.cell[role="button"]', (cs) =>
      cs.map((c) => [c.dataset.layer, Number(c.dataset.source), Number(c.dataset.target)]),
    );
    assert.equal(buttons.length, drift.layers.length * (k - 1));
    assert.ok(
      buttons.every(([, s, t]) => t === s - 1),
      'each checkpoint explains the previous one',
    );
    assert.equal(await p.$$eval('svg.drift-lines g.series', (gs) => gs.length), drift.layers.length);
    const values = await p.$$eval('svg.drift-lines g.series', (gs) =>
      gs.map((g) => [...g.querySelectorAll('circle.point')].map((c) => Number(c.dataset.value))),
    );
    values.forEach((vs, l) =>
      assert.deepEqual(
        vs,
        previous.series[l].filter((v) => v !== null),
      ),
    );
    await p.click('svg.drift-heatmap g.cell[role="button"]');
    const asked = await p.evaluate(() => window.__posted.filter((m) => m.type === 'kc/openPair'));
    assert.deepEqual(asked, [{ type: 'kc/openPair', layer: drift.layers[0], source: 1, target: 0 }]);
    assert.match(await p.textContent('.status'), /^watching/);
    assert.deepEqual(p.problems, []);
    await p.screenshot({ path: join(outDir, 'drift.png'), fullPage: true });
    await p.close();
  });
});
