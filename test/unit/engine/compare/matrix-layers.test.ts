import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixLayers } from '../../../../src/engine/compare/matrix-layers';
import type { LayerInfo } from '../../../../src/protocol/report';

const layer = (name: string, kind: string, depth: number, probePoint = false, shape = [-1, 4]): LayerInfo => ({
  name,
  kind,
  depth,
  probePoint,
  shape,
});

/** Feature layers among ops the matrix leaves out, not in depth order; relu1 is the probe point. */
const MIXED = [
  layer('fc', 'dense', 7),
  layer('input', 'input', 0),
  layer('conv1', 'conv', 1),
  layer('bn1', 'norm', 2),
  layer('relu1', 'activation', 3, true),
  layer('pool1', 'pool', 4),
  layer('flatten', 'reshape', 5),
  layer('drop', 'dropout', 6),
  layer('id', 'identity', 6),
  layer('shape', 'other', 6),
  layer('sum', 'add', 8),
  layer('cat', 'concat', 9),
];

test('every feature layer in depth order; input, reshape, identity, dropout and other ops left out', () => {
  const { names, warning } = matrixLayers(MIXED, ['relu1'], 'A');
  assert.deepEqual(names, ['conv1', 'bn1', 'relu1', 'pool1', 'fc', 'sum', 'cat']);
  assert.equal(warning, undefined);
});

test('pinned (disentangler) layers stay whatever their kind', () => {
  const layers = [layer('conv1', 'conv', 0), layer('flatten', 'reshape', 1), layer('fc', 'dense', 2)];
  assert.deepEqual(matrixLayers(layers, ['flatten'], 'B').names, ['conv1', 'flatten', 'fc']);
});

test('above the cap: pinned layers kept, the rest spread over depth (first and last), with a warning', () => {
  const layers = Array.from({ length: 100 }, (_, i) => layer(`l${i}`, i % 2 ? 'activation' : 'conv', i, i === 50));
  const { names, warning } = matrixLayers(layers, ['l50'], 'A', { cap: 10 });
  assert.equal(names.length, 10);
  assert.ok(names.includes('l50'));
  assert.equal(names[0], 'l0');
  assert.equal(names[9], 'l99');
  const depths = names.map((n) => Number(n.slice(1)));
  assert.deepEqual(
    depths,
    [...depths].sort((x, y) => x - y),
    'depth order',
  );
  // Evenly spread: no gap more than twice the even spacing.
  for (let i = 1; i < depths.length; i++)
    assert.ok(depths[i] - depths[i - 1] <= 2 * (99 / 9) + 1, `gap at ${i}: ${depths}`);
  assert.match(warning ?? '', /model A has 100 feature layers: the similarity matrix shows 10/);
});

test('the largest unpinned layers give way when the features would pass the disk budget', () => {
  // 1000 probes: big = 4 MB a sample (4 GB), mid = 0.4 GB, small = 4 kB a sample; pinned big2 always stays.
  const layers = [
    layer('big', 'conv', 0, false, [-1, 100, 100, 100]),
    layer('big2', 'conv', 1, true, [-1, 100, 100, 100]),
    layer('mid', 'conv', 2, false, [-1, 10, 100, 100]),
    layer('small', 'dense', 3, false, [-1, 1000]),
  ];
  const { names, warning } = matrixLayers(layers, ['big2'], 'B', { count: 1000, budgetBytes: 1e9 });
  assert.deepEqual(names, ['big2', 'mid', 'small']);
  assert.match(warning ?? '', /model B: 1 large layer left out of the similarity matrix .*\(big\)/);
  assert.deepEqual(
    matrixLayers(layers, ['big2'], 'B', { count: 10, budgetBytes: 1e9 }).names,
    ['big', 'big2', 'mid', 'small'],
    'few probes: all fit',
  );
});

test('pinnedOnly (layers chosen explicitly): just those, in depth order, no warning', () => {
  assert.deepEqual(matrixLayers(MIXED, ['fc', 'relu1'], 'A', { pinnedOnly: true }), {
    names: ['relu1', 'fc'],
    warning: undefined,
  });
});
