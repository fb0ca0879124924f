import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHeatmap } from '../../../webview/model/heatmap';
import { describeCell } from '../../../webview/model/tooltip';
import { pair, sampleReport } from './fixture';

test("a fitted cell's tooltip: the pair, the measure shown, then every number of the fit", () => {
  const report = sampleReport();
  report.pairs = [pair('a1', 'b1', 'A->B', 0.8, [0.7, 0.1, 0])];
  const m = buildHeatmap(report, { direction: 'A->B' });
  const lines = describeCell(m, report, false, m.rows.indexOf('a1'), m.cols.indexOf('b1'));
  const named = {
    ...report,
    models: { a: { ...report.models!.a, name: 'seed1' }, b: { ...report.models!.b, name: 'seed2' } },
  };
  assert.equal(
    describeCell(m, named, false, m.rows.indexOf('a1'), m.cols.indexOf('b1'))[0],
    'a1 (seed1) × b1 (seed2), seed1 → seed2',
  );
  assert.equal(lines[0], 'a1 (A) × b1 (B), A → B');
  // One unit: fractions, as the cells show them; ε and explained add up, the orders are said to overlap.
  assert.match(lines[1], /: 0\.800$/);
  assert.ok(lines.includes('inconsistent ε: 0.200 (explained + ε = 1)'), lines.join('\n'));
  assert.ok(
    lines.some((l) => l.startsWith('orders, each alone (they overlap): 0: 0.700 · 1: 0.100')),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => l.includes('%')), lines.join('\n'));
  assert.equal(lines.at(-1), 'Click or Enter: open the pair');
});

test('a cell the disentangler did not run on says so, differently while the analysis runs', () => {
  const report = sampleReport();
  report.pairs = [];
  const m = buildHeatmap(report, { direction: 'A->B' });
  const lines = describeCell(m, report, false, 0, 0);
  assert.ok(lines.includes('disentangler: not run on this pair'), lines.join('\n'));
});
