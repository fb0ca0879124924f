import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inputTarget } from '../../../../src/engine/compare/model-ref';
import { KcError } from '../../../../src/engine/errors';
import type { ModelAdapter } from '../../../../src/engine/models/types';

const model = (inputShape: number[]) =>
  ({ inputShape, ref: { name: 'net', path: 'net.onnx', format: 'onnx' } }) as unknown as ModelAdapter;

test('image inputs are fitted as they are; dynamic sizes stay open', () => {
  assert.deepEqual(inputTarget(model([64, 48, 3])), { height: 64, width: 48, channels: 3 });
  assert.deepEqual(inputTarget(model([-1, -1, 3])), { height: -1, width: -1, channels: 3 });
});

test('flat inputs take square grayscale or RGB images', () => {
  assert.deepEqual(inputTarget(model([784])), { height: 28, width: 28, channels: 1 });
  assert.deepEqual(inputTarget(model([3072])), { height: 32, width: 32, channels: 3 });
  assert.throws(
    () => inputTarget(model([10])),
    (e: unknown) => e instanceof KcError && /net takes flat inputs of 10 values/.test(e.message),
  );
});
