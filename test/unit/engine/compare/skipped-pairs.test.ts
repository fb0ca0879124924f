/**
 * One pair whose data cannot be fitted (here a layer constant on every probe) must not sink the job: that pair is
 * skipped with its reason, in `skipped`, the warnings and the terminal summary, and every other pair completes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { renderSummary } from '../../../../src/engine/report/text';
import { compareWithItself, SEED1 } from './self-compare';

/** The MNIST CNN with one extra layer, "dead" = relu1 × 0: a real graph value that is 0 for every input. */
function withDeadLayer(dir: string): string {
  const proto = onnx.ModelProto.decode(readFileSync(SEED1));
  const graph = proto.graph!;
  graph.initializer!.push(
    onnx.TensorProto.create({ name: 'zero', dataType: onnx.TensorProto.DataType.FLOAT, dims: [], floatData: [0] }),
  );
  graph.node!.push(onnx.NodeProto.create({ opType: 'Mul', input: ['relu1', 'zero'], output: ['dead'], name: 'dead' }));
  const relu1 = graph.valueInfo!.find((v) => v.name === 'relu1')!;
  graph.valueInfo!.push(onnx.ValueInfoProto.create({ name: 'dead', type: relu1.type }));
  const file = path.join(dir, 'dead-layer.onnx');
  writeFileSync(file, onnx.ModelProto.encode(proto).finish());
  return file;
}

test('a pair with a layer constant on the probes is skipped with its reason; the other pairs complete', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kc-skipped-'));
  try {
    const model = withDeadLayer(dir);
    const report = await compareWithItself(model, ['relu1', 'dead', 'pool2'], {
      probe: { source: 'mnist', count: 60 },
      direction: 'both',
      settings: { epochs: 2, kernel: 1, seed: 1 },
    });
    const fitted = report.pairs.map((p) => `${p.layerA} ${p.direction}`);
    assert.deepEqual(fitted, ['relu1 A->B', 'relu1 B->A', 'pool2 A->B', 'pool2 B->A']);
    for (const p of report.pairs) assert.ok(p.explained > 0.9, `${p.layerA} ${p.direction}: ${p.explained}`);
    assert.deepEqual(
      report.skipped?.map((s) => [s.layerA, s.layerB, s.direction]),
      [
        ['dead', 'dead', 'A->B'],
        ['dead', 'dead', 'B->A'],
      ],
    );
    for (const s of report.skipped!) {
      assert.match(s.reason, /layer [AB] "dead" is constant on the probe samples/);
      assert.ok(
        report.warnings.some((w) => w.includes(`dead ↔ dead ${s.direction} skipped: ${s.reason}`)),
        `warnings: ${report.warnings}`,
      );
    }
    const summary = renderSummary(report);
    assert.match(summary, /^skipped: dead ↔ dead A->B: layer B "dead" is constant/m);
    assert.match(summary, /^skipped: dead ↔ dead B->A: layer A "dead" is constant/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
