import { test } from 'node:test';
import assert from 'node:assert/strict';
import { automaticPairs } from '../../../src/extension/commands/autoPairing';
import type { LayerInfo } from '../../../src/protocol/report';

const layer = (name: string, depth: number, probePoint = true): LayerInfo => ({
  name,
  kind: 'conv',
  shape: [-1, 4, 4, 8],
  depth,
  probePoint,
});

test("the wizard's automatic pairs: the same name first, else the nearest relative depth, among probe points", () => {
  const a = [layer('conv1', 1, false), layer('pool1', 2), layer('pool2', 4), layer('fc', 8)];
  // B is twice as deep and names its layers differently, except fc.
  const b = [layer('stem', 2), layer('block1', 6), layer('block2', 10, false), layer('block3', 12), layer('fc', 16)];
  assert.deepEqual(automaticPairs(a, b), [
    { a: 'pool1', b: 'stem' }, // 2/8 = 0.25: stem (0.125) and block1 (0.375) tie, the earlier one wins
    { a: 'pool2', b: 'block1' }, // 0.5 ↔ 0.375, not block2 (not a probe point)
    { a: 'fc', b: 'fc' }, // same name wins over depth
  ]);
});

test('a model without probe points offers all its layers; no layers, no pairs', () => {
  const a = [layer('x', 1, false), layer('y', 2, false)];
  const b = [layer('p', 1, false), layer('q', 4, false)];
  // x at 1/2 of A ↔ p at 1/4 of B; y at the end of A ↔ q at the end of B.
  assert.deepEqual(automaticPairs(a, b), [
    { a: 'x', b: 'p' },
    { a: 'y', b: 'q' },
  ]);
  assert.deepEqual(automaticPairs(a, []), []);
});
