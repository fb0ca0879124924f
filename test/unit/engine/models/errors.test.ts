import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { KcError, ModelParseError } from '../../../../src/engine/errors';
import { openModel } from '../../../../src/engine/models/index';
import { ROOT, SAMPLES } from './helpers';

const work = mkdtempSync(path.join(tmpdir(), 'kc-model-errors-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the seed1 TF.js export in its own folder, to damage. */
function tfjsCopy(name: string): string {
  const dir = path.join(work, name);
  cpSync(path.join(SAMPLES, 'mnist-cnn-seed1', 'tfjs'), dir, { recursive: true });
  return path.join(dir, 'model.json');
}

async function rejects(file: string, type: typeof KcError, pattern: RegExp): Promise<void> {
  await assert.rejects(openModel(file), (e: Error) => {
    assert.ok(e instanceof type, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return true;
  });
}

describe('bad model files', () => {
  it('truncated model.json: names the file and says it is truncated', async () => {
    const file = tfjsCopy('truncated');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    await rejects(file, ModelParseError, /truncated\/model\.json is not valid JSON .*truncated or corrupt/);
  });

  it('JSON that is no TF.js model', async () => {
    const file = path.join(work, 'other.json');
    writeFileSync(file, JSON.stringify({ name: 'x', version: '1.0.0' }));
    await rejects(file, ModelParseError, /other\.json is not a TF\.js model/);
  });

  it('a Keras 3 topology: says so and what to do', async () => {
    const dir = path.join(work, 'keras3');
    const json = {
      format: 'layers-model',
      generatedBy: 'keras v3.3.3',
      convertedBy: 'TensorFlow.js Converter v4.20.0',
      modelTopology: {
        keras_version: '3.3.3',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'sequential',
            layers: [
              {
                module: 'keras.layers',
                class_name: 'InputLayer',
                config: { batch_shape: [null, 4], dtype: 'float32', name: 'input_layer' },
                registered_name: null,
              },
              {
                module: 'keras.layers',
                class_name: 'Dense',
                config: { name: 'dense', units: 2, activation: 'relu', use_bias: true },
                registered_name: null,
              },
            ],
          },
        },
      },
      weightsManifest: [
        {
          paths: ['w.bin'],
          weights: [
            { name: 'dense/kernel', shape: [4, 2], dtype: 'float32' },
            { name: 'dense/bias', shape: [2], dtype: 'float32' },
          ],
        },
      ],
    };
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(40));
    await rejects(
      path.join(dir, 'model.json'),
      ModelParseError,
      /TF\.js cannot build this layers model: .*saved by Keras 3\.3\.3: TF\.js reads Keras 2 topologies/,
    );
  });

  it('missing weight shard: names the shard and where it was looked for', async () => {
    const file = tfjsCopy('missing-shard');
    unlinkSync(path.join(path.dirname(file), 'weights.bin'));
    await rejects(
      file,
      ModelParseError,
      /weight shard "weights\.bin" named in its weightsManifest is missing \(looked for .*missing-shard\/weights\.bin\)/,
    );
  });

  it('truncated weight shard: says how many bytes it holds and needs', async () => {
    const file = tfjsCopy('short-shard');
    const shard = path.join(path.dirname(file), 'weights.bin');
    const bytes = readFileSync(shard);
    writeFileSync(shard, bytes.subarray(0, bytes.length - 100));
    await rejects(
      file,
      ModelParseError,
      new RegExp(`hold ${bytes.length - 100} bytes but the manifest needs ${bytes.length}`),
    );
  });

  it('unsupported ONNX op: names the op and the file', async () => {
    await rejects(
      path.join(ROOT, 'test/fixtures/models/unsupported-op.onnx'),
      ModelParseError,
      /unsupported-op\.onnx: ONNX op FancyOp is not supported/,
    );
  });

  it('truncated and garbage .onnx files', async () => {
    const bytes = readFileSync(path.join(SAMPLES, 'mnist-cnn-seed1', 'model.onnx'));
    const truncated = path.join(work, 'truncated.onnx');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await rejects(truncated, ModelParseError, /truncated\.onnx/);
    const garbage = path.join(work, 'garbage.onnx');
    writeFileSync(garbage, 'this is not a model\n'.repeat(20));
    await rejects(garbage, ModelParseError, /garbage\.onnx/);
  });

  it('missing file and unknown extension', async () => {
    await rejects(path.join(work, 'nope.onnx'), KcError, /model file not found: .*nope\.onnx/);
    const txt = path.join(work, 'model.txt');
    writeFileSync(txt, 'x');
    await rejects(txt, ModelParseError, /model\.txt is not a model kc reads/);
  });

  it('unknown layer names are refused before anything runs', async () => {
    const model = await openModel(path.join(SAMPLES, 'mnist-cnn-seed1', 'model.onnx'));
    await assert.rejects(model.extract([], ['conv9'], { write() {} }), /mnist-cnn-seed1 has no layer "conv9"/);
    await model.dispose();
  });
});
