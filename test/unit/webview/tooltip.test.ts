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

test('a fitted cell shows the explained interval, the debiased CKA with its interval, and warns of sizes > 2× apart', () => {
  const report = sampleReport();
  report.pairs = [
    pair('a1', 'b1', 'A->B', 0.8, [0.7, 0.1, 0], {
      explainedInterval: [0.74, 0.85],
      interval: { level: 0.95, replicates: 1000, resampled: 'held-out probes' },
      similarity: {
        linearCKA: 0.999,
        linearCKAUnbiased: 0.41,
        cka: { estimator: 'unbiased', value: 0.41, interval: [0.3, 0.52], level: 0.95, replicates: 1000 },
      },
      shapeA: [64, 64, 24],
      shapeB: [8, 8, 96],
    }),
  ];
  const m = buildHeatmap(report, { direction: 'A->B' });
  const lines = describeCell(m, report, false, m.rows.indexOf('a1'), m.cols.indexOf('b1'));
  assert.ok(lines.includes('explained: 0.800 [0.740, 0.850]'), lines.join('\n'));
  assert.ok(
    lines.some((l) => l.startsWith('similarity: linear CKA (debiased) 0.410 [0.300, 0.520]')),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => l.includes('0.999')), 'the biased CKA is not shown at few probes');
  assert.ok(lines.includes('⚠ spatial sizes 8.0× apart: the two layers look at different scales'), lines.join('\n'));
  // Same sizes: no warning.
  report.pairs[0].shapeB = [64, 64, 96];
  const same = describeCell(buildHeatmap(report, { direction: 'A->B' }), report, false, 0, 0);
  assert.ok(!same.some((l) => l.includes('apart')), same.join('\n'));
});
