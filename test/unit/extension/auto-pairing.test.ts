import { test } from 'node:test';
import assert from 'node:assert/strict';
import { automaticPairs, autoPartner } from '../../../src/extension/commands/autoPairing';
import { pairLayers } from '../../../src/engine/pairing';
import type { LayerInfo } from '../../../src/protocol/report';

const layer = (name: string, depth: number, size: number, probePoint = true): LayerInfo => ({
  name,
  kind: 'conv',
  shape: [-1, size, size, 8],
  depth,
  probePoint,
});

/** The pairs a compare without chosen layers runs: the engine's. */
const engine = (a: LayerInfo[], b: LayerInfo[]) => pairLayers(a, b).pairs.map((p) => ({ a: p.layerA, b: p.layerB }));

test("the wizard pre-fills the engine's pairs: monotone, one partner each, as many as the shorter list", () => {
  const a = [layer('pool1', 1, 14), layer('pool2', 2, 7), layer('fc', 3, 1)];
  const b = [layer('stem', 1, 14), layer('head', 10, 1)];
  // A nearest-depth rule per layer would pair pool2 and fc both with head; the engine pairs by depth and scale, once.
  assert.deepEqual(automaticPairs(a, b), [
    { a: 'pool1', b: 'stem' },
    { a: 'fc', b: 'head' },
  ]);
  assert.deepEqual(automaticPairs(a, b), engine(a, b));
});

test('a same-named layer elsewhere (another size, another depth) is not taken for the same place', () => {
  const a = [layer('block', 1, 28), layer('out', 4, 7)];
  const b = [layer('early', 1, 28), layer('block', 4, 7)];
  assert.deepEqual(automaticPairs(a, b), engine(a, b));
  assert.deepEqual(automaticPairs(a, b), [
    { a: 'block', b: 'early' },
    { a: 'out', b: 'block' },
  ]);
});

test('a layer of A added by hand gets the partner --layers-a would give it', () => {
  const a = [layer('conv1', 1, 28, false), layer('pool1', 2, 14), layer('fc', 8, 1)];
  const b = [layer('conv1', 1, 28, false), layer('stem', 2, 14), layer('fc', 16, 1)];
  // The same name anywhere in B, a probe point or not; else the nearest relative depth among B's probe points.
  assert.equal(autoPartner('conv1', a, b), 'conv1');
  assert.equal(autoPartner('pool1', a, [b[0], layer('x', 4, 14), b[2]]), 'x');
  assert.equal(autoPartner('conv1', a, b), pairLayers(a, b, ['conv1']).pairs[0].layerB);
});

test('a model without probe points offers all its layers; no layers, no pairs', () => {
  const a = [layer('x', 1, 14, false), layer('y', 2, 7, false)];
  const b = [layer('p', 1, 14, false), layer('q', 4, 7, false)];
  assert.deepEqual(automaticPairs(a, b), [
    { a: 'x', b: 'p' },
    { a: 'y', b: 'q' },
  ]);
  assert.deepEqual(automaticPairs(a, []), []);
});
