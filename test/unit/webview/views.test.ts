import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directionStacks, sortedChannels } from '../../../webview/model/drill';
import { exportStem, heatmapCsv } from '../../../webview/model/export';
import { buildHeatmap } from '../../../webview/model/heatmap';
import { layerStrip } from '../../../webview/model/strip';
import { applyHostMessage, EMPTY, inFlight } from '../../../webview/model/stream';
import { pair, sampleReport } from './fixture';

test("CSV of the matrix: header of B's layers, a row per A layer, empty where nothing ran", () => {
  const csv = heatmapCsv(buildHeatmap(sampleReport(), { measure: 'order0' }));
  assert.equal(csv, 'order0 (A → B) A\\B,b1,b2\na1,0.7,\na2,,\na3,,0.6\n');
  assert.equal(exportStem('mnist cnn/seed1', undefined), 'kc-mnist-cnn-seed1-vs-model');
});

test('drill-down stacks both directions with orders 0..K, ε and the spread across seeds', () => {
  const [ab, ba] = directionStacks(sampleReport(), { layerA: 'a1', layerB: 'b1', direction: 'A->B' });
  assert.equal(ab.direction, 'A->B');
  assert.deepEqual(
    ab.segments.map((s) => [s.id, s.fraction]),
    [
      ['order0', 0.7],
      ['order1', 0.1],
      ['order2', 0.02],
      ['inconsistent', 1 - 0.8],
    ],
  );
  assert.equal(ab.explainedSpread, undefined);
  assert.equal(ba.explained, 0.7);
  assert.deepEqual(
    ba.segments.map((s) => s.spread),
    [0.05, 0.04, 0.03, 0.02],
  );
  const [, none] = directionStacks(sampleReport(), { layerA: 'a3', layerB: 'b2', direction: 'A->B' });
  assert.equal(none.pair, undefined);
  assert.deepEqual(none.segments, []);
});

test('channels of B sorted by explained fraction, index kept', () => {
  const p = sampleReport().pairs[1];
  assert.deepEqual(sortedChannels(p), [
    { channel: 1, explained: 0.9 },
    { channel: 0, explained: 0.3 },
  ]);
});

test("the layer strip follows B's depth, one direction only", () => {
  const s = layerStrip(sampleReport(), 'A->B');
  assert.deepEqual(
    s.map((p) => p.layerB),
    ['b1', 'b2'],
  );
  assert.deepEqual(s[1].orders, [0.6, 0.2, 0.05]);
  assert.equal(layerStrip(sampleReport(), 'B->A').length, 1);
});

test("streamed results fill the panel's copy; results of another analysis are ignored", () => {
  const report = sampleReport();
  let st = applyHostMessage(EMPTY, {
    type: 'kc/record',
    record: {
      id: 'x',
      modelA: 'a',
      modelB: 'b',
      probe: 'p',
      preset: 'fast',
      startedAt: '',
      status: 'running',
      report: { ...report, pairs: [] },
    },
    names: { a: 'A', b: 'B' },
  });
  assert.deepEqual(st.names, { a: 'A', b: 'B' });
  st = applyHostMessage(st, {
    type: 'kc/progress',
    analysisId: 'x',
    progress: { message: 'fitting', running: [{ layerA: 'a1', layerB: 'b1', direction: 'A->B' }] },
  });
  assert.equal(inFlight(st).length, 1);
  st = applyHostMessage(st, { type: 'kc/pairResult', analysisId: 'x', pair: report.pairs[0] });
  st = applyHostMessage(st, { type: 'kc/pairResult', analysisId: 'other', pair: report.pairs[1] });
  assert.equal(st.report.pairs.length, 1);
  st = applyHostMessage(st, {
    type: 'kc/pairResult',
    analysisId: 'x',
    pair: pair('a3', 'b2', 'A->B', 0.5, [0.5, 0, 0]),
  });
  assert.equal(st.report.pairs.length, 1, 'a rerun replaces the pair');
  assert.equal(st.report.pairs[0].explained, 0.5);
  st = applyHostMessage(st, { type: 'kc/status', analysisId: 'x', status: 'done' });
  assert.equal(st.record?.status, 'done');
  assert.deepEqual(inFlight(st), []);
  st = applyHostMessage(st, { type: 'kc/stale', analysisId: 'x', stale: true });
  assert.equal(st.record?.stale, true);
});
