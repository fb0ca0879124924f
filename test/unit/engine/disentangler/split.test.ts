import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitIndices } from '../../../../src/engine/split';
import { createRng, randn, shuffle } from '../../../../src/engine/random';
import { KcError } from '../../../../src/engine/errors';

test('createRng is deterministic per seed and differs across seeds', () => {
  const a = createRng(7),
    b = createRng(7),
    c = createRng(8);
  const xa = [a(), a(), a()],
    xb = [b(), b(), b()],
    xc = [c(), c(), c()];
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  for (const x of xa) assert.ok(x >= 0 && x < 1);
});

test('randn has mean ≈ 0 and variance ≈ 1', () => {
  const rng = createRng(3);
  let m = 0,
    v = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = randn(rng);
    m += x;
    v += x * x;
  }
  assert.ok(Math.abs(m / n) < 0.03, `mean ${m / n}`);
  assert.ok(Math.abs(v / n - 1) < 0.05, `variance ${v / n}`);
});

test('shuffle is a permutation', () => {
  const arr = shuffle(
    Int32Array.from({ length: 50 }, (_, i) => i),
    createRng(1),
  );
  assert.deepEqual(
    [...arr].sort((x, y) => x - y),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.notDeepEqual(
    [...arr],
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test('splitIndices: disjoint, complete, sized, reproducible', () => {
  const { train, test: held } = splitIndices(103, 0.2, 5);
  assert.equal(held.length, 21);
  assert.equal(train.length, 82);
  assert.deepEqual(
    [...train, ...held].sort((x, y) => x - y),
    Array.from({ length: 103 }, (_, i) => i),
  );
  assert.deepEqual(splitIndices(103, 0.2, 5).test, held);
  assert.notDeepEqual(splitIndices(103, 0.2, 6).test, held);
  assert.throws(() => splitIndices(1, 0.2, 0), KcError);
  assert.throws(() => splitIndices(10, 0, 0), KcError);
  assert.throws(() => splitIndices(10, 1, 0), KcError);
});
