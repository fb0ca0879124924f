/**
 * A model's declared fixed batch is untrusted input: every run is padded to it, so a fixed batch of 1,000,000 made
 * 16 probes allocate gigabytes. Above MAX_FIXED_BATCH the model is refused when it is opened, with what to do.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { KcError } from '../../../../src/engine/errors';
import { MAX_FIXED_BATCH } from '../../../../src/engine/models/batches';
import { openModel } from '../../../../src/engine/models/index';
import { ROOT, SAMPLES } from './helpers';

const SEED1 = path.join(SAMPLES, 'mnist-cnn-seed1');
/** A published TF.js graph model (input [-1, 64, 64, 1]), a devDependency's file. */
const EMOTION = path.join(ROOT, 'node_modules/@vladmandic/human/models');
const work = mkdtempSync(path.join(tmpdir(), 'kc-fixed-batch-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** seed1's ONNX model with its input's batch dimension fixed at `batch`. */
function onnxFixed(batch: number): string {
  const proto = onnx.ModelProto.decode(readFileSync(path.join(SEED1, 'model.onnx')));
  const dim = proto.graph!.input![0].type!.tensorType!.shape!.dim![0];
  dim.dimParam = '';
  dim.dimValue = batch;
  const file = path.join(work, `fixed-${batch}.onnx`);
  writeFileSync(file, onnx.ModelProto.encode(proto).finish());
  return file;
}

/** seed1's TF.js export with batch_input_shape [batch, 28, 28, 1]. */
function tfjsFixed(batch: number): string {
  const dir = path.join(work, `tfjs-${batch}`);
  cpSync(path.join(SEED1, 'tfjs'), dir, { recursive: true });
  const file = path.join(dir, 'model.json');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/"batch_input_shape": \[\s*null,/, `"batch_input_shape": [${batch},`),
  );
  return file;
}

/** The emotion graph model with its Placeholder's batch fixed at `batch` (its trial run would allocate that many). */
function graphFixed(batch: number): string {
  const dir = path.join(work, `graph-${batch}`);
  cpSync(path.join(EMOTION, 'emotion.bin'), path.join(dir, 'emotion.bin'), { recursive: true });
  const json = JSON.parse(readFileSync(path.join(EMOTION, 'emotion.json'), 'utf8')) as {
    modelTopology: { node: Array<{ op: string; attr: { shape: { shape: { dim: Array<{ size: string }> } } } }> };
  };
  json.modelTopology.node.find((n) => n.op === 'Placeholder')!.attr.shape.shape.dim[0].size = String(batch);
  const file = path.join(dir, 'emotion.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

async function refusedBatch(file: string, batch: number): Promise<void> {
  await assert.rejects(openModel(file), (e: Error) => {
    assert.ok(e instanceof KcError, `${e.name}: ${e.message}`);
    assert.equal(e.code, 'unsupported');
    assert.match(
      e.message,
      new RegExp(
        `fixes the batch at ${batch} samples per run; kc pads every run to a fixed batch and accepts at most ${MAX_FIXED_BATCH}: export the model with a dynamic`,
      ),
    );
    return true;
  });
}

describe('fixed batch dimensions', () => {
  it('an ONNX input with a fixed batch of 1,000,000 is refused when opened', async () => {
    await refusedBatch(onnxFixed(1_000_000), 1_000_000);
  });

  it('a TF.js batch_input_shape of [1000000, 28, 28, 1] is refused when opened', async () => {
    const file = tfjsFixed(1_000_000);
    assert.match(readFileSync(file, 'utf8'), /"batch_input_shape": \[1000000,/);
    await refusedBatch(file, 1_000_000);
  });

  it('a TF.js graph model whose input fixes a batch of 1,000,000 is refused before its trial run', async () => {
    await refusedBatch(graphFixed(1_000_000), 1_000_000);
  });

  it(`a fixed batch of ${MAX_FIXED_BATCH} still opens (ONNX and TF.js)`, async () => {
    for (const file of [onnxFixed(MAX_FIXED_BATCH), tfjsFixed(MAX_FIXED_BATCH)])
      await (await openModel(file)).dispose();
  });
});
