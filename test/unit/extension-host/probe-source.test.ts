import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveProbeSource } from '../../../src/extension/probeSource';

test('probe source setting: named sources kept, ~ expanded, relative paths from the workspace folder', () => {
  const ws = path.join(path.sep, 'work', 'proj');
  assert.equal(resolveProbeSource('mnist', ws), 'mnist');
  assert.equal(resolveProbeSource(' synthetic ', ws), 'synthetic');
  assert.equal(resolveProbeSource('', ws), 'mnist');
  assert.equal(resolveProbeSource('probes/digits', ws), path.join(ws, 'probes', 'digits'));
  assert.equal(resolveProbeSource('./x.npy', ws), path.join(ws, 'x.npy'));
  assert.equal(resolveProbeSource('/data/x.npy', ws), '/data/x.npy');
  assert.equal(resolveProbeSource('~/imgs', ws, '/home/me'), path.join('/home/me', 'imgs'));
  assert.equal(resolveProbeSource('probes', undefined), 'probes', 'no workspace folder: left as given');
});
