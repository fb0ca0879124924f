import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHeatmap, CellState, cellOf } from '../../../webview/model/heatmap';
import { measuresFor } from '../../../webview/model/measures';
import { pair, sampleReport } from './fixture';

const at = (m: ReturnType<typeof buildHeatmap>, a: string, b: string) =>
  m.rows.indexOf(a) * m.cols.length + m.cols.indexOf(b);

test("rows are A's layers and columns B's, in depth order", () => {
  const m = buildHeatmap(sampleReport());
  assert.deepEqual(m.rows, ['a1', 'a2', 'a3']);
  assert.deepEqual(m.cols, ['b1', 'b2']);
  assert.equal(m.values.length, 6);
});

test("depth comes from the models' layer lists even when the pairs list layers out of order", () => {
  const r = sampleReport();
  delete r.matrix;
  r.pairs.reverse();
  const m = buildHeatmap(r);
  assert.deepEqual(m.rows, ['a1', 'a3']);
  assert.deepEqual(m.cols, ['b1', 'b2']);
});

test("explained cells hold the disentangler's value; unfinished cells show the ridge bound as provisional", () => {
  const m = buildHeatmap(sampleReport());
  assert.equal(m.measure.id, 'explained');
  assert.equal(m.values[at(m, 'a1', 'b1')], 0.8);
  assert.equal(m.states[at(m, 'a1', 'b1')], CellState.Done);
  assert.equal(m.values[at(m, 'a3', 'b2')], 0.9);
  assert.equal(m.values[at(m, 'a2', 'b1')], 0.35);
  assert.equal(m.states[at(m, 'a2', 'b1')], CellState.Provisional);
  assert.equal(m.pairIndex[at(m, 'a2', 'b1')], -1);
});

test('the direction picks the matching pairs (B->A is not A->B)', () => {
  const m = buildHeatmap(sampleReport(), { direction: 'B->A' });
  assert.equal(m.values[at(m, 'a1', 'b1')], 0.7);
  assert.equal(m.pairIndex[at(m, 'a1', 'b1')], 2);
  assert.equal(m.states[at(m, 'a3', 'b2')], CellState.Empty, 'no B->A pair and no B->A bound');
});

test("direction-dependent matrix measures read their B->A values in that direction, never A->B's", () => {
  const r = sampleReport();
  const ridgeBA = buildHeatmap(r, { measure: 'ridgeExplained', direction: 'B->A' });
  assert.ok(
    ridgeBA.states.every((s) => s === CellState.Empty),
    'no B->A ridge values: nothing drawn',
  );
  r.matrix!.measures.ridgeExplainedBA = [0.11, 0.12, 0.13, 0.14, 0.15, 0.16];
  const m = buildHeatmap(r, { measure: 'ridgeExplained', direction: 'B->A' });
  assert.equal(m.values[at(m, 'a2', 'b2')], 0.14);
  const ex = buildHeatmap(r, { direction: 'B->A' });
  assert.equal(ex.values[at(ex, 'a2', 'b1')], 0.13, 'the provisional bound follows the direction');
  assert.equal(ex.values[at(ex, 'a1', 'b1')], 0.7, 'a finished pair wins over the bound');
  const cka = buildHeatmap(r, { measure: 'linearCKA', direction: 'B->A' });
  assert.equal(cka.values[at(cka, 'a2', 'b2')], 0.6, 'CKA is symmetric: same values both ways');
});

test('order and inconsistent measures read the pair; CKA reads the all-pairs matrix', () => {
  const r = sampleReport();
  assert.deepEqual(
    measuresFor(r).map((x) => x.id),
    ['explained', 'order0', 'order1', 'order2', 'inconsistent', 'linearCKA', 'ridgeExplained'],
  );
  const o1 = buildHeatmap(r, { measure: 'order1' });
  assert.equal(o1.values[at(o1, 'a3', 'b2')], 0.2);
  assert.ok(Number.isNaN(o1.values[at(o1, 'a2', 'b1')]));
  assert.equal(o1.states[at(o1, 'a2', 'b1')], CellState.Empty);
  const eps = buildHeatmap(r, { measure: 'inconsistent' });
  assert.ok(Math.abs(eps.values[at(eps, 'a1', 'b1')] - 0.2) < 1e-12);
  const cka = buildHeatmap(r, { measure: 'linearCKA' });
  assert.equal(cka.values[at(cka, 'a2', 'b2')], 0.6);
  assert.equal(cka.values[at(cka, 'a3', 'b1')], 0.3);
});

test('cells the disentangler is still working on carry the running marker', () => {
  const m = buildHeatmap(sampleReport(), {
    inFlight: [
      { layerA: 'a2', layerB: 'b2', direction: 'A->B' },
      { layerA: 'a1', layerB: 'b1', direction: 'A->B' },
    ],
  });
  assert.equal(m.running[at(m, 'a2', 'b2')], 1);
  assert.equal(m.running[at(m, 'a1', 'b1')], 0, 'a finished pair is no longer running');
  assert.equal(
    m.running.reduce((s, x) => s + x, 0),
    1,
  );
});

test('sorting by value reorders rows and columns by mean and keeps each cell with its layers', () => {
  const r = sampleReport();
  const byDepth = buildHeatmap(r, { measure: 'linearCKA' });
  const byValue = buildHeatmap(r, { measure: 'linearCKA', sort: 'value' });
  // Row means: a1 0.675, a2 0.55, a3 0.575; column means: b1 0.583, b2 0.617.
  assert.deepEqual(byValue.rows, ['a1', 'a3', 'a2']);
  assert.deepEqual(byValue.cols, ['b2', 'b1']);
  for (const a of byDepth.rows)
    for (const b of byDepth.cols) {
      assert.equal(byValue.values[at(byValue, a, b)], byDepth.values[at(byDepth, a, b)]);
    }
});

test('a rerun pair with a non-finite value leaves the cell empty rather than drawing NaN', () => {
  const r = sampleReport();
  r.pairs.push(pair('a2', 'b2', 'A->B', NaN, [NaN, 0, 0]));
  delete r.matrix;
  const m = buildHeatmap(r);
  assert.equal(m.states[at(m, 'a2', 'b2')], CellState.Empty);
  assert.deepEqual(cellOf(m, { layerA: 'a2', layerB: 'b2', direction: 'A->B' }), { row: 1, col: 1 });
});

test('cells the disentangler left empty carry the similarity as a background, kept out of the values and sorting', () => {
  const r = sampleReport();
  delete r.matrix!.measures.ridgeExplained; // no ridge bound: without a background these cells would be blank
  const m = buildHeatmap(r);
  const empty = at(m, 'a2', 'b1');
  assert.equal(m.states[empty], CellState.Empty);
  assert.ok(Number.isNaN(m.values[empty]));
  assert.equal(m.background[empty], 0.5); // linear CKA of a2 × b1
  assert.ok(Number.isNaN(m.background[at(m, 'a1', 'b1')]), 'a finished cell has no background');
  const sorted = buildHeatmap(r, { sort: 'value' });
  assert.equal(sorted.background[at(sorted, 'a2', 'b1')], 0.5, 'the background follows its cell when sorted');
  const order0 = buildHeatmap(r, { measure: 'order0' });
  assert.ok(Number.isNaN(order0.background[at(order0, 'a2', 'b1')]), 'only the headline measure has a background');
});

test('a finished pair whose spatial sizes differ more than 2× is marked, and the mark follows its cell when sorted', () => {
  const report = sampleReport();
  report.pairs = [
    pair('a1', 'b1', 'A->B', 0.3, [0.3, 0, 0], { shapeA: [64, 64, 8], shapeB: [8, 8, 8] }),
    pair('a2', 'b2', 'A->B', 0.9, [0.9, 0, 0], { shapeA: [16, 16, 8], shapeB: [8, 8, 8] }),
  ];
  const m = buildHeatmap(report, { direction: 'A->B', measure: 'explained' });
  const marked = (h: typeof m) =>
    Array.from(h.scaleWarning.keys())
      .filter((i) => h.scaleWarning[i])
      .map((i) => `${h.rows[Math.floor(i / h.cols.length)]}×${h.cols[i % h.cols.length]}`);
  // 64×64 vs 8×8 is 8× apart; 16×16 vs 8×8 exactly 2×: not marked.
  assert.deepEqual(marked(m), ['a1×b1']);
  assert.deepEqual(marked(buildHeatmap(report, { direction: 'A->B', measure: 'explained', sort: 'value' })), ['a1×b1']);
});
