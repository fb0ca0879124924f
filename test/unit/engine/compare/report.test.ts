import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { renderHtml } from '../../../../src/engine/report/html';
import { renderMarkdown } from '../../../../src/engine/report/markdown';
import { renderHeatmapPng } from '../../../../src/engine/report/heatmap-png';
import { renderSummary } from '../../../../src/engine/report/text';
import { writeReports } from '../../../../src/engine/report/write';
import { colorAt } from '../../../../src/protocol/colors';
import { plantedReport } from './report-fixture';

const all = (re: RegExp, s: string) => [...s.matchAll(re)];

test('HTML report: self-contained, heatmap cells carry the matrix values, order bars per pair and direction', () => {
  const report = plantedReport();
  const html = renderHtml(report);
  assert.match(html, /^<!DOCTYPE html>/);
  // Nothing loaded from anywhere: no scripts, stylesheets, images or frames with a source.
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|\bsrc=|url\((?!#)/i);
  // The similarity heatmap: 5 filled cells + 1 empty, values as planted, labelled as similarity.
  const simSvg = html.slice(html.indexOf('<svg class="heatmap" data-kind="similarity"'));
  const cells = all(
    /<rect class="cell" data-row="([^"]+)" data-col="([^"]+)" data-value="([^"]+)"/g,
    simSvg.slice(0, simSvg.indexOf('</svg>')),
  );
  assert.deepEqual(
    cells.map((m) => [m[1], m[2], Number(m[3])]),
    [
      ['relu1', 'relu1', 0.95],
      ['relu1', 'relu2', 0.41],
      ['relu2', 'relu1', 0.38],
      ['relu2', 'relu2', 0.88],
      ['relu3', 'relu1', 0.12],
    ],
  );
  assert.equal(all(/<rect class="cell empty"/g, simSvg.slice(0, simSvg.indexOf('</svg>'))).length, 1);
  assert.match(html, /linear CKA \(similarity, not consistency\)/);
  // Consistency heatmaps for both directions, with the explained fractions of the pairs.
  assert.match(html, /Explained fraction, net-&lt;a&gt; explains net-b \(knowledge consistency\)/);
  assert.match(html, /Explained fraction, net-b explains net-&lt;a&gt; \(knowledge consistency\)/);
  assert.equal(all(/<svg class="heatmap" data-kind="consistency"/g, html).length, 2);
  assert.match(html, /data-row="relu2" data-col="relu2" data-value="0.702"/);
  // One breakdown per pair row, read as the panel's drill-down reads it: the bar that adds up (explained, then ε, to
  // 1) and each of the K + 1 orders alone from 0, never stacked.
  const rows = all(/<tr data-layer-a="([^"]+)" data-layer-b="([^"]+)" data-direction="([^"]+)">(.*?)<\/tr>/g, html);
  assert.equal(rows.length, 4);
  for (const row of rows) {
    const { explained, epsilon, orders } = breakdown(row[4]);
    assert.equal(explained.x, 0);
    assert.ok(Math.abs(epsilon.x - explained.width) < 0.01, 'ε starts where explained ends');
    assert.ok(Math.abs(explained.width + epsilon.width - BAR_WIDTH) < 0.01, 'explained + ε = 1');
    assert.equal(orders.length, 3);
    for (const o of orders) assert.equal(o.x, 0, `${o.label} starts at 0`);
  }
  assert.match(rows[2][4], /0\.754/);
  assert.match(rows[2][4], /data-label="order 0, alone" data-value="0.55"/);
  assert.match(rows[2][4], /data-label="ε \(inconsistent\)" data-value="0.246/);
  // Settings, backend, probe, warnings (escaped), α everywhere it matters.
  assert.match(html, /gate penalty α<\/dt><dd>0.1</);
  assert.match(html, /onnxruntime-node 1.30.0/);
  assert.match(html, /500 samples \(400 fit \/ 100 held out\)/);
  assert.match(html, /a planted warning &lt;b&gt;with markup&lt;\/b&gt;/);
  assert.match(html, /net-&lt;a&gt; vs net-b/);
  assert.match(html, /disentangle<\/dt><dd>12.5 s/);
  // Drill-down maps of the one pair that has them: 2×3 positions, 3 channels, values in the tooltips.
  const position = html.match(/<svg class="position-map"[^>]*>(.*?)<\/svg>/)![1];
  assert.equal(all(/<rect /g, position).length, 6);
  assert.match(position, /<title>\(1, 2\): 0\.600<\/title>/);
  const channel = html.match(/<svg class="channel-map"[^>]*>(.*?)<\/svg>/)![1];
  assert.deepEqual(
    all(/<title>channel (\d): ([\d.]+)<\/title>/g, channel).map((m) => [m[1], m[2]]),
    [
      ['0', '0.900'],
      ['1', '0.500'],
      ['2', '0.100'],
    ],
  );
  assert.equal(all(/class="position-map"/g, html).length, 1);
});

/** The pair breakdown's bars (x and width in px; the bar is BAR_WIDTH px for a fraction of 1). */
const BAR_WIDTH = 240;
function breakdown(cell: string) {
  const svg = cell.match(/<svg class="breakdown"[^>]*>(.*?)<\/svg>/)![1];
  const bars = all(
    /<rect class="(\w+)" data-label="([^"]+)" data-value="([^"]+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g,
    svg,
  ).map((m) => ({ cls: m[1], label: m[2], value: Number(m[3]), x: Number(m[4]), width: Number(m[5]) }));
  return {
    explained: bars.find((b) => b.cls === 'explained')!,
    epsilon: bars.find((b) => b.cls === 'segment')!,
    orders: bars.filter((b) => b.cls === 'order'),
  };
}

test('HTML report: overlapping orders never pass 1 nor the bar that adds up', () => {
  const report = plantedReport();
  // Orders that overlap: their shares add up to 1.6 while explained is 0.8 (a stacked bar would pass 1).
  const p = report.pairs[0];
  p.explained = 0.8;
  p.inconsistent.fraction = 0.2;
  p.orders = [0.9, 0.5, 0.2].map((fraction, order) => ({ ...p.orders[order], order, fraction }));
  const html = renderHtml(report);
  const row = html.match(/<tr data-layer-a[^>]*>(.*?)<\/tr>/)![1];
  const { explained, epsilon, orders } = breakdown(row);
  assert.ok(Math.abs(explained.width - 0.8 * BAR_WIDTH) < 0.01);
  assert.ok(Math.abs(epsilon.x + epsilon.width - BAR_WIDTH) < 0.01);
  assert.deepEqual(
    orders.map((o) => [o.x, Number((o.width / BAR_WIDTH).toFixed(3))]),
    [
      [0, 0.9],
      [0, 0.5],
      [0, 0.2],
    ],
  );
  // The head and the text say how to read it; nothing is called a stack of orders.
  assert.match(html, /Explained \+ ε = 1; each order alone/);
  assert.match(html, /orders overlap, so they need not add up to explained/);
  assert.doesNotMatch(html, /Orders \+ ε/);
});

test('HTML report puts the synthetic-probe warning up front', () => {
  const report = plantedReport();
  report.probe.warning = 'probe inputs are synthetic noise';
  const html = renderHtml(report);
  assert.ok(html.indexOf('probe inputs are synthetic noise') < html.indexOf('Knowledge consistency per layer pair'));
});

test('Markdown report: pair table with the numbers, heatmap image beside it, matrix values', () => {
  const md = renderMarkdown(plantedReport(), { heatmapPng: 'kc report.heatmap.png' });
  const lines = md.split('\n');
  const pairRows = lines.filter((l) => l.startsWith('| relu'));
  assert.ok(
    pairRows.some((l) =>
      /^\| relu2 ↔ relu2 \| net-b → net-\\<a\\> \| 0\.702 \| 0\.500 \| 0\.130 \| 0\.050 \| 0\.298 \| 0\.900 \| 0\.652 \| 17\\\* \|$/.test(
        l,
      ),
    ),
    pairRows.join('\n'),
  );
  assert.match(md, /!\[linear CKA heatmap, rows A, columns B\]\(kc%20report\.heatmap\.png\)/);
  assert.ok(lines.includes('| relu3 | 0.12 | – |'), 'matrix row relu3');
  assert.match(md, /> \*\*Warning:\*\* a planted warning \\<b\\>with markup\\<\/b\\>/);
  assert.match(md, /α = 0\.1/);
  // The same reading as the panel and the HTML report: explained + ε = 1, orders each alone.
  assert.match(
    md,
    /explained \+ ε = 1\. Orders .*: each order's own share; orders overlap, so they need not add up to explained/,
  );
});

test('heatmap PNG: one viridis-coloured cell per matrix entry', () => {
  const report = plantedReport();
  const png = PNG.sync.read(renderHeatmapPng(report.matrix!, 'linearCKA')!);
  assert.equal(png.width, 2 * 32 + 2);
  assert.equal(png.height, 3 * 32 + 2);
  const at = (row: number, col: number) => {
    const o = ((row * 32 + 16) * png.width + col * 32 + 16) * 4;
    return [png.data[o], png.data[o + 1], png.data[o + 2]];
  };
  assert.deepEqual(at(0, 0), colorAt(0.95));
  assert.deepEqual(at(1, 0), colorAt(0.38));
  assert.deepEqual(at(2, 1), [220, 220, 220], 'a missing value is grey');
});

test('text summary and writeReports: the table, the matrix, the files', async () => {
  const report = plantedReport();
  const text = renderSummary(report);
  assert.match(
    text,
    /relu1 ↔ relu1\s+net-<a> → net-b\s+0\.937\s+0\.810\s+0\.080\s+0\.030\s+0\.063\s+0\.900\s+0\.887\s+17\*/,
  );
  assert.match(text, /linear CKA \(similarity, not consistency\)/);
  assert.match(text, /relu3\s+.0\.12\s+–/);
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-report-'));
  try {
    const files = { json: path.join(dir, 'r.json'), html: path.join(dir, 'r.html'), md: path.join(dir, 'r.md') };
    const written = await writeReports(report, files);
    assert.deepEqual(written, [files.json, files.html, path.join(dir, 'r.heatmap.png'), files.md]);
    assert.deepEqual(JSON.parse(await readFile(files.json, 'utf8')), report);
    assert.match(await readFile(files.md, 'utf8'), /\(r\.heatmap\.png\)/);
    assert.equal(PNG.sync.read(await readFile(path.join(dir, 'r.heatmap.png'))).width, 66);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('terminal summary drops the common layer-name prefix and numbers long column labels', () => {
  const report = plantedReport();
  const long = (n: string) => `StatefulPartitionedCall/model_1/${n}_activation/Relu`;
  report.pairs = report.pairs.map((p) => ({ ...p, layerA: long(p.layerA), layerB: long(p.layerB) }));
  report.matrix = {
    ...report.matrix!,
    layersA: report.matrix!.layersA.map(long),
    layersB: report.matrix!.layersB.map(long),
  };
  const text = renderSummary(report);
  assert.match(text, /omit their common prefix "StatefulPartitionedCall\/model_1\/"/);
  assert.match(text, /^relu1_activation\/Relu ↔ relu1_activation\/Relu\s+net-<a> → net-b\s+0\.937/m);
  assert.match(text, /^\s+#1\s+#2$/m);
  assert.match(text, /columns: #1 relu1_activation\/Relu, #2 relu2_activation\/Relu/);
  assert.doesNotMatch(text, /StatefulPartitionedCall\/model_1\/relu/);
});

test('terminal summary gives the mean explained fraction per direction', () => {
  // Planted: A->B 0.937 and 0.754 → 0.8455; B->A 0.921 and 0.702 → 0.8115 (0.81149… in binary floating point).
  assert.match(
    renderSummary(plantedReport()),
    /mean explained over 2 layer pairs: net-<a> explains net-b 0\.846, net-b explains net-<a> 0\.811/,
  );
});

test('terminal summary draws every measure of the matrix, CKA first', () => {
  const report = plantedReport();
  report.matrix!.measures = {
    ridgeExplained: [0.5, 0.4, 0.3, 0.2, 0.1, 0],
    linearCKA: report.matrix!.measures.linearCKA,
  };
  const text = renderSummary(report);
  const cka = text.indexOf('linear CKA (similarity, not consistency)');
  const ridge = text.indexOf('order-0 ridge explained, A → B (similarity, not consistency)');
  assert.ok(cka > 0 && ridge > cka, `${cka} ${ridge}`);
  assert.match(text.slice(ridge), /relu3\s+.0\.10\s+ 0\.00/);
});

test('every report format says how the probe samples were used (fit / validation / held out)', () => {
  const report = plantedReport();
  report.probe = { ...report.probe, train: 400, validation: 60, test: 100 };
  for (const text of [renderSummary(report, { color: false }), renderMarkdown(report), renderHtml(report)]) {
    assert.match(text, /340 fit \/ 60 validation \/ 100 held out/);
  }
  delete report.probe.validation;
  assert.match(renderSummary(report, { color: false }), /400 fit \/ 100 held out/);
});
