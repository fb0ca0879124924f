import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml } from '../../../../src/engine/report/html';
import { renderMarkdown } from '../../../../src/engine/report/markdown';
import { renderSummary } from '../../../../src/engine/report/text';
import { buildHeatmap } from '../../../../webview/model/heatmap';
import { describeCell } from '../../../../webview/model/tooltip';
import { plantedReport } from '../compare/report-fixture';

test('a negative explained fraction is never a bare number: marked and explained in the table, reports and tooltip', () => {
  const report = plantedReport();
  report.pairs[0].explained = -0.862;
  const text = renderSummary(report);
  assert.match(text, /-0\.862†/);
  assert.match(text, /† below 0: worse than predicting the mean — over-fitted, or too few probes for this layer\./);
  assert.match(renderMarkdown(report), /-0\.862†/);
  assert.match(renderHtml(report), /title="below 0: worse than predicting the mean/);
  const p = report.pairs[0];
  const m = buildHeatmap(report, { direction: p.direction });
  const lines = describeCell(m, report, false, m.rows.indexOf(p.layerA), m.cols.indexOf(p.layerB));
  assert.ok(
    lines.some((l) => /^explained: -0\.862 — below 0: worse than predicting the mean/.test(l)),
    lines.join('\n'),
  );
  // Positive numbers carry no mark.
  assert.doesNotMatch(renderSummary(plantedReport()), /†/);
});
