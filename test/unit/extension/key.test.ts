// The cache key of an analysis: the models' content and the settings that change the numbers, nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompareOptions } from '../../../src/engine/compare';
import { analysisKey } from '../../../src/extension/results/key';

const hashes = { a: 'a'.repeat(64), b: 'b'.repeat(64) };
const options: CompareOptions = {
  modelA: '/ws/a.onnx',
  modelB: '/ws/b.onnx',
  probe: { source: 'mnist', count: 64 },
  direction: 'both',
  settings: { preset: 'fast', orders: 1 },
  cacheDir: '/cache/features',
};

describe('analysisKey', () => {
  it('ignores where the files and the cache are, and the order of settings keys', () => {
    const moved = { ...options, modelA: '/elsewhere/a.onnx', modelB: '/elsewhere/b.onnx', cacheDir: '/tmp/x' };
    const reordered = { ...options, settings: { orders: 1, preset: 'fast' as const } };
    assert.equal(analysisKey(hashes, moved), analysisKey(hashes, options));
    assert.equal(analysisKey(hashes, reordered), analysisKey(hashes, options));
  });

  it('ignores how a PyTorch model was reached (interpreter, pickle consent), not its input shape', () => {
    const reached = { ...options, pytorch: { python: '/venv/bin/python', pythonFrom: 'x', allowPickle: true } };
    assert.equal(analysisKey(hashes, reached), analysisKey(hashes, options));
    const shaped = { ...options, pytorch: { inputShape: [3, 32, 32] } };
    assert.notEqual(analysisKey(hashes, shaped), analysisKey(hashes, options));
    assert.notEqual(
      analysisKey(hashes, shaped),
      analysisKey(hashes, { ...options, pytorch: { inputShape: [1, 32, 32] } }),
    );
  });

  it('changes with either model content, the probe, the layers and every setting', () => {
    const base = analysisKey(hashes, options);
    const variants: Array<[string, string]> = [
      ['content of A', analysisKey({ ...hashes, a: 'c'.repeat(64) }, options)],
      ['A and B swapped', analysisKey({ a: hashes.b, b: hashes.a }, options)],
      ['probe count', analysisKey(hashes, { ...options, probe: { source: 'mnist', count: 65 } })],
      ['probe source', analysisKey(hashes, { ...options, probe: { source: 'synthetic', count: 64 } })],
      ['layers', analysisKey(hashes, { ...options, layersA: ['pool1'] })],
      ['orders', analysisKey(hashes, { ...options, settings: { preset: 'fast', orders: 2 } })],
      ['preset', analysisKey(hashes, { ...options, settings: { preset: 'thorough', orders: 1 } })],
    ];
    for (const [what, key] of variants) assert.notEqual(key, base, `${what} did not change the key`);
  });
});
