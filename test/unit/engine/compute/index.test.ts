/** Backend selection: 'auto' runs ORT, 'tfjs' the reference; the description names what ran. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBackend, getTrainingBackend, tfjsNodeVersion } from '../../../../src/engine/compute/index';

describe('getTrainingBackend / describeBackend', () => {
  it("'auto' and 'onnxruntime' give the ORT backend, cached", async () => {
    const auto = await getTrainingBackend();
    assert.equal(auto.info.name, 'onnxruntime-node');
    assert.equal(await getTrainingBackend('auto'), auto);
    assert.equal((await getTrainingBackend('onnxruntime')).info.name, 'onnxruntime-node');
  });

  it("'tfjs' gives the TF.js autodiff reference", async () => {
    const tfjs = await getTrainingBackend('tfjs');
    assert.equal(tfjs.info.name, 'tfjs-cpu');
  });

  it('describeBackend names name, version, device and threads, and tfjs-node only when installed', async () => {
    const info = await describeBackend();
    assert.equal(info.name, 'onnxruntime-node');
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.ok(info.device === 'cpu' || info.device === 'cuda');
    assert.ok(Number.isInteger(info.threads) && info.threads >= 1);
    const tfjsNode = tfjsNodeVersion();
    assert.equal(/tfjs-node/.test(info.detail ?? ''), tfjsNode !== undefined);
  });
});
