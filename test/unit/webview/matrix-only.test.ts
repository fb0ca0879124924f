/** Matrix layers the disentangler did not run on (the matrix covers every feature layer, pairs only probe points). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHeatmap, CellState, type HeatmapModel } from '../../../webview/model/heatmap';
import { ckaName, measuresFor } from '../../../webview/model/measures';
import { sampleReport } from './fixture';

const at = (m: HeatmapModel, a: string, b: string) => m.rows.indexOf(a) * m.cols.length + m.cols.indexOf(b);

test('a matrix-only layer gets CKA in every cell and the explained measure only where a pair exists', () => {
  const r = sampleReport();
  delete r.matrix!.measures.ridgeExplained;
  const cka = buildHeatmap(r, { measure: 'linearCKA' });
  assert.deepEqual(cka.rows, ['a1', 'a2', 'a3']);
  assert.ok(
    cka.states.every((s) => s === CellState.Done),
    'CKA drawn in every cell',
  );
  assert.equal(cka.values[at(cka, 'a2', 'b1')], 0.5);
  assert.equal(cka.pairIndex[at(cka, 'a2', 'b1')], -1, 'a2 has no disentangler pair');
  const explained = buildHeatmap(r);
  assert.equal(explained.states[at(explained, 'a2', 'b1')], CellState.Empty, 'no pair, no ridge bound: nothing drawn');
  assert.equal(explained.states[at(explained, 'a2', 'b2')], CellState.Empty);
  assert.equal(explained.values[at(explained, 'a1', 'b1')], 0.8);
  assert.equal(explained.values[at(explained, 'a3', 'b2')], 0.9);
});

test('a matrix that holds unbiased CKA (above 1024 probes) shows it as the CKA measure, labelled so', () => {
  const r = sampleReport();
  r.matrix!.measures.linearCKAUnbiased = r.matrix!.measures.linearCKA.map((v) => v! - 0.25);
  delete r.matrix!.measures.linearCKA;
  const measure = measuresFor(r).find((m) => m.id === 'linearCKA')!;
  assert.equal(measure.label, 'Linear CKA (unbiased) (similarity)');
  assert.equal(ckaName(r), 'linear CKA (unbiased)');
  const cka = buildHeatmap(r, { measure: 'linearCKA' });
  assert.equal(cka.values[at(cka, 'a2', 'b2')], 0.6 - 0.25, "the matrix value, not the pair's biased CKA");
  assert.equal(cka.values[at(cka, 'a2', 'b1')], 0.5 - 0.25, 'a cell without a pair');
  assert.ok(cka.states.every((s) => s === CellState.Done));
  // With the biased key present, that one is used and named plainly.
  assert.equal(ckaName(sampleReport()), 'linear CKA');
});
