import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { renderHeatmapPng } from '../../../../src/engine/report/heatmap-png';
import { renderHtml } from '../../../../src/engine/report/html';
import { heatmapSvg, MAX_HEATMAP_CELLS } from '../../../../src/engine/report/svg';
import { colorAt } from '../../../../src/protocol/colors';
import { plantedReport } from '../compare/report-fixture';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('1,500 pairs of distinct layers: the HTML says the heatmap is too large instead of drawing 2.25 M cells', () => {
  const report = plantedReport();
  delete report.matrix;
  report.pairs = names('', 1500).map((n) => ({ ...report.pairs[0], layerA: `a${n}`, layerB: `b${n}` }));
  const html = renderHtml(report);
  assert.match(html, /1500 × 1500 layers: too many cells to draw; the values are in the JSON report\./);
  assert.equal((html.match(/class="pair-detail"/g) ?? []).length, 1500, 'every pair keeps its details');
  assert.ok(html.length < 10 * 1024 * 1024, `${(html.length / 1024 / 1024).toFixed(0)} MB of HTML`);
});

test('a heatmap is drawn up to MAX_HEATMAP_CELLS cells, with each pair found in its cell', () => {
  const side = Math.sqrt(MAX_HEATMAP_CELLS);
  const spec = { title: 't', kind: 'similarity' as const, value: (i: number, j: number) => (i === j ? 0.5 : null) };
  const drawn = heatmapSvg({ ...spec, rows: names('a', side), cols: names('b', side) });
  assert.equal((drawn.match(/class="cell"/g) ?? []).length, side, 'the filled diagonal');
  assert.match(heatmapSvg({ ...spec, rows: names('a', side), cols: names('b', side + 1) }), /^<p class="note">/);

  const report = plantedReport();
  const html = renderHtml(report);
  for (const p of report.pairs.filter((q) => q.direction === 'A->B'))
    assert.match(html, new RegExp(`data-row="${p.layerA}" data-col="${p.layerB}" data-value="${p.explained}"`));
});

test('the heatmap PNG of a 1,024 × 1,024 matrix stays within 4,096 pixels a side, one cell per entry', () => {
  const n = 1024;
  const values = Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
  const png = PNG.sync.read(
    renderHeatmapPng({ layersA: names('a', n), layersB: names('b', n), measures: { cka: values } }, 'cka')!,
  );
  assert.deepEqual([png.width, png.height], [4096, 4096]);
  const at = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
  assert.deepEqual(at(4 * 700 + 1, 4 * 700 + 1), colorAt(1), 'diagonal cell 700');
  assert.deepEqual(at(4 * 701 + 1, 4 * 700 + 1), colorAt(0), 'its neighbour');
});
