// Which pair each layer of a model file shows (the one in which the layer is explained), and the words around it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisRecord } from '../../../../src/extension/contracts';
import { modelConsistency } from '../../../../src/extension/inline/consistency';
import { bar, diagnosticMessage, lensTitle } from '../../../../src/extension/inline/format';
import type { Direction, PairResult } from '../../../../src/protocol/report';

function pair(layerA: string, layerB: string, direction: Direction, explained: number, orders: number[]): PairResult {
  return {
    layerA,
    layerB,
    direction,
    explained,
    orders: orders.map((fraction, order) => ({ order, fraction, variance: fraction })),
    inconsistent: { variance: 1 - explained, fraction: 1 - explained },
    varianceB: 1,
    similarity: { linearCKA: 0.9 },
    training: { epochs: 3, seconds: 1, finalLoss: 0.1, gates: [0.5], curve: [] },
  };
}

function record(pairs: PairResult[], stale = false): AnalysisRecord {
  return {
    id: 'r1',
    modelA: '/m/a.onnx',
    modelB: '/m/b.onnx',
    probe: 'mnist',
    preset: 'fast',
    startedAt: '2026-11-29T17:00:00.000Z',
    status: 'done',
    stale,
    report: {
      pairs,
      models: {
        a: { path: '/m/a.onnx', name: 'net-a', format: 'onnx' },
        b: { path: '/m/b.onnx', name: 'net-b', format: 'onnx' },
      },
    } as AnalysisRecord['report'],
  };
}

const pairs = [
  pair('relu1', 'r1', 'A->B', 0.9, [0.8, 0.1]),
  pair('relu1', 'r1', 'B->A', 0.38, [0.3, 0.08]),
  pair('relu2', 'r2', 'A->B', 0.7, [0.6, 0.1]),
];

test('model A shows the B->A pairs (its layers explained by B), model B the A->B ones', () => {
  const a = modelConsistency(record(pairs), '/m/a.onnx', () => '?');
  assert.equal(a.otherName, 'net-b');
  const relu1 = a.layers.get('relu1')!;
  assert.equal(relu1.direction, 'B->A');
  assert.equal(relu1.explainedHere, true);
  assert.deepEqual(relu1.focus, { layerA: 'relu1', layerB: 'r1', direction: 'B->A' });
  // Only A->B for relu2: shown, but as what relu2 explains of B's layer, and left out of the mean.
  assert.equal(a.layers.get('relu2')!.explainedHere, false);
  assert.equal(a.mean, 0.38);

  const b = modelConsistency(record(pairs), '/m/b.onnx', () => '?');
  assert.equal(b.otherName, 'net-a');
  assert.equal(b.layers.get('r1')!.direction, 'A->B');
  assert.equal(b.layers.get('r2')!.explainedHere, true);
  assert.ok(Math.abs(b.mean - 0.8) < 1e-12);
  assert.equal(b.maxOrder, 1);
});

test('titles and messages: numbers, staleness, meaning', () => {
  const a = modelConsistency(record(pairs), '/m/a.onnx', () => '?');
  const relu1 = a.layers.get('relu1')!;
  // The direction is always said with the other model's name; one unit (fractions) throughout.
  assert.equal(lensTitle(relu1, a, 'current'), 'net-b explains 0.38 of this layer · orders 0.30 / 0.08 ▸');
  assert.equal(
    lensTitle(relu1, a, 'stale'),
    '(stale: the model changed after this analysis) net-b explains 0.38 of this layer · orders 0.30 / 0.08 ▸',
  );
  assert.equal(
    lensTitle(a.layers.get('relu2')!, a, 'current'),
    "this layer explains 0.70 of net-b's r2 · orders 0.60 / 0.10 ▸",
  );
  assert.equal(
    diagnosticMessage(relu1, a, true, 0.5),
    "0.62 of this layer's feature variance is not predictable from the reference model's r1 (net-b): net-b explains 0.38 of it, below the threshold 0.50 (knowledge the reference lacks, or unstable features).",
  );
  assert.equal(modelConsistency(record(pairs, true), '/m/a.onnx', () => '?').stale, true);
  assert.equal(bar(0.38), '████░░░░░░');
  assert.equal(bar(NaN), '░░░░░░░░░░');
});
