import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCompareOptions } from '../../../src/extension/analysis/options';
import type { KcConfig } from '../../../src/extension/config';
import { analysisKey } from '../../../src/extension/results/key';

test('knowledgeConsistency.probe.tokens reaches the compare options and keeps mean and per-token results apart', () => {
  const config = {
    probe: { source: '/w/texts.txt', count: 200, tokens: 'mean' },
    preset: 'fast',
    overrides: {},
    defaultLayers: 'probe-points',
    computeBackend: 'auto',
    cacheLocation: 'workspaceStorage',
    workerMemoryLimitMb: 0,
    memoryBudgetMb: 2048,
    extraModelGlobs: [],
    maxFiles: 10,
  } as KcConfig;
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
