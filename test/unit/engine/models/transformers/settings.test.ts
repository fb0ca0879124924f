import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCompareOptions } from '../../../../../src/extension/analysis/options';
import { analysisKey } from '../../../../../src/extension/results/key';
import { defaultConfig } from '../../../kc-config';

test('knowledgeConsistency.probe.tokens reaches the compare options and keeps mean and per-token results apart', () => {
  const config = defaultConfig({ source: '/w/texts.txt', count: 200, tokens: 'mean' });
  const mean = buildCompareOptions(config, '/a.onnx', '/b.onnx', {}, '/tmp/c');
  const perToken = buildCompareOptions(
    { ...config, probe: { ...config.probe, tokens: 'per-token' } },
    '/a.onnx',
    '/b.onnx',
    {},
    '/tmp/c',
  );
  assert.equal(mean.probe.tokens, 'mean');
  assert.equal(perToken.probe.tokens, 'per-token');
  const hashes = { a: 'x', b: 'y' };
  assert.notEqual(analysisKey(hashes, perToken), analysisKey(hashes, mean));
});
