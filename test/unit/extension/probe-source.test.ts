import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildCompareOptions } from '../../../src/extension/analysis/options';
import type { KcConfig } from '../../../src/extension/config';
import { probeFor, probeNormalization, resolveProbeSource } from '../../../src/extension/probeSource';
import { analysisKey } from '../../../src/extension/results/key';
import { defaultConfig } from '../kc-config';

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

test('probe range/mean/std settings: defaults add nothing; set values reach the compare options and the cache key', () => {
  assert.deepEqual(probeNormalization([0, 1], [], []), {});
  assert.deepEqual(probeNormalization(undefined, undefined, undefined), {});
  const set = probeNormalization([0, 255], [0.1307], [0.3081]);
  assert.deepEqual(set, { normalization: { range: [0, 255], mean: [0.1307], std: [0.3081] } });
  const config = defaultConfig({ source: 'mnist', count: 64 });
  const plain = buildCompareOptions(config, '/a.onnx', '/b.onnx', {}, '/tmp/c');
  const normalised = buildCompareOptions(
    { ...config, probe: { ...config.probe, ...set } },
    '/a.onnx',
    '/b.onnx',
    {},
    '/tmp/c',
  );
  assert.equal(plain.probe.normalization, undefined);
  assert.deepEqual(normalised.probe.normalization, set.normalization);
  const hashes = { a: 'x', b: 'y' };
  assert.notEqual(analysisKey(hashes, normalised), analysisKey(hashes, plain));
});

test('knowledgeConsistency.inputRange: empty reads the range from the model; any set value, [0, 1] too, overrides', () => {
  assert.deepEqual(probeNormalization([0, 1], [], [], []), {}, 'both at their defaults: the engine decides');
  assert.deepEqual(probeNormalization([0, 1], [], [], [0, 1]), { normalization: { range: [0, 1] } });
  assert.deepEqual(probeNormalization([0, 1], [], [], [-1, 1]), { normalization: { range: [-1, 1] } });
  assert.deepEqual(probeNormalization([0, 255], [], [], [-1, 1]), { normalization: { range: [-1, 1] } });
  assert.deepEqual(probeNormalization([0, 255], [], [], []), { normalization: { range: [0, 255] } }, 'the old setting');
});

test('MNIST that does not fit a model: the user is asked once for a folder, remembered for later compares', async () => {
  let stored: string | undefined;
  const asked: string[] = [];
  const deps = (answer: string | undefined) => ({
    remembered: () => Promise.resolve(stored),
    remember: (_kind: string, folder: string) => Promise.resolve(void (stored = folder)),
    ask: (misfit: { name: string; input: string }) => (
      asked.push(`${misfit.name} ${misfit.input}`),
      Promise.resolve(answer)
    ),
    askTexts: () => Promise.reject(new Error('an image model never asks for texts')),
  });
  const model = (name: string, shape?: number[]) => ({
    name,
    input: () => Promise.resolve(shape && { inputShape: shape }),
  });
  const digits = model('mnist.onnx', [28, 28, 1]);
  const face = model('faceres.json', [224, 224, 3]);

  assert.equal(await probeFor('mnist', [digits, digits], deps('/photos')), 'mnist', 'MNIST fits: nothing asked');
  assert.equal(await probeFor('/mine', [face, face], deps('/photos')), '/mine', 'a chosen probe is kept');
  assert.equal(await probeFor('mnist', [digits, face], deps(undefined)), undefined, 'cancelled: nothing runs');
  assert.equal(stored, undefined);
  assert.equal(await probeFor('mnist', [digits, face], deps('mnist')), 'mnist', 'digits anyway, not remembered');
  assert.equal(stored, undefined);
  assert.equal(await probeFor('mnist', [face, digits], deps('/photos')), '/photos');
  assert.equal(stored, '/photos');
  assert.deepEqual(asked, [
    'faceres.json 224×224×3 colour',
    'faceres.json 224×224×3 colour',
    'faceres.json 224×224×3 colour',
  ]);
  assert.equal(await probeFor('mnist', [face, face], deps('/other')), '/photos', 'remembered: not asked again');
  assert.equal(asked.length, 3);
  assert.equal(await probeFor('mnist', [digits, model('broken.onnx')], deps('/x')), 'mnist', 'unreadable: left to kc');
});

test('a sequence model asks for a text file (not a folder), remembered for texts apart from images', async () => {
  const stored = new Map<string, string>();
  const asked: string[] = [];
  const deps = (answer: string | undefined) => ({
    remembered: (kind: string) => Promise.resolve(stored.get(kind)),
    remember: (kind: string, probe: string) => Promise.resolve(void stored.set(kind, probe)),
    ask: () => Promise.reject(new Error('a sequence model never asks for an image folder')),
    askTexts: (name: string) => (asked.push(name), Promise.resolve(answer)),
  });
  const bert = {
    name: 'bert.onnx',
    input: () => Promise.resolve({ inputShape: [16], sequence: { inputs: ['input_ids'], length: 16 } }),
  };
  assert.equal(await probeFor('/w/texts.txt', [bert, bert], deps(undefined)), '/w/texts.txt', 'a text file is kept');
  assert.equal(await probeFor('mnist', [bert, bert], deps(undefined)), undefined, 'cancelled: nothing runs');
  assert.equal(await probeFor('mnist', [bert, bert], deps('/w/s.jsonl')), '/w/s.jsonl');
  assert.deepEqual([...stored], [['texts', '/w/s.jsonl']]);
  assert.equal(await probeFor('mnist', [bert, bert], deps('/other.txt')), '/w/s.jsonl', 'remembered: not asked again');
  assert.deepEqual(asked, ['bert.onnx', 'bert.onnx']);
});

test('queue settings: the fits go to the queue, the features to the shared folder, and the cache key stays the same', () => {
  const config = {
    probe: { source: 'mnist', count: 64 },
    preset: 'fast',
    overrides: {},
    computeBackend: 'auto',
    memoryBudgetMb: 2048,
  } as unknown as KcConfig;
  const local = buildCompareOptions(config, '/a.onnx', '/b.onnx', {}, '/tmp/c');
  const queued = buildCompareOptions(
    { ...config, queue: { url: 'redis://queue-host:6379', cacheDir: '/mnt/shared/kc' } },
    '/a.onnx',
    '/b.onnx',
    {},
    '/tmp/c',
  );
  assert.equal(local.queue, undefined);
  assert.equal(local.cacheDir, '/tmp/c');
  assert.equal(queued.queue, 'redis://queue-host:6379');
  assert.equal(queued.cacheDir, '/mnt/shared/kc');
  const onlyUrl = buildCompareOptions({ ...config, queue: { url: 'redis://q:6379' } }, '/a.onnx', '/b.onnx', {}, '/c');
  assert.equal(onlyUrl.cacheDir, '/c', 'no shared folder: the extension storage (workers on this machine)');
  const hashes = { a: 'a'.repeat(64), b: 'b'.repeat(64) };
  assert.equal(analysisKey(hashes, queued), analysisKey(hashes, local), 'where the fits ran does not change them');
});
