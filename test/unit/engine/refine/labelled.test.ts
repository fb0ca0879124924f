/**
 * Labelled probes: MNIST's test split comes with its labels; an image folder gives one class per sub-folder (sorted
 * by name), takes images round-robin so every class is represented, and fits them to the model's input.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { imageInput, openLabelled } from '../../../../src/engine/refine/labelled';

const mnistInput = imageInput(['N', 1, 28, 28], 'model.onnx');

/** A grayscale 14×14 PNG of one value. */
function png(value: number): Buffer {
  const image = new PNG({ width: 14, height: 14 });
  for (let i = 0; i < 14 * 14; i++) image.data.set([value, value, value, 255], i * 4);
  return PNG.sync.write(image);
}

describe('labelled probes', () => {
  it("MNIST's test split with its labels (the idx file's first labels: 7 2 1 0 4)", async () => {
    const set = await openLabelled('mnist', 5, mnistInput);
    assert.deepEqual(Array.from(set.labels), [7, 2, 1, 0, 4]);
    assert.deepEqual(set.sampleDims, [1, 28, 28]);
    assert.equal(set.classes.length, 10);
    assert.ok(set.data.every((v) => v >= 0 && v <= 1));
  });

  it('a folder with one sub-folder per class, fitted to the input, classes sorted by name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-labels-'));
    try {
      for (const [name, value, count] of [
        ['zebra', 255, 3],
        ['ant', 0, 1],
        ['cat', 128, 2],
      ] as const) {
        mkdirSync(path.join(dir, name));
        for (let i = 0; i < count; i++) writeFileSync(path.join(dir, name, `${i}.png`), png(value));
      }
      writeFileSync(path.join(dir, 'cat', 'notes.txt'), 'not an image');
      const set = await openLabelled(dir, 4, mnistInput);
      assert.deepEqual(set.classes, ['ant', 'cat', 'zebra']);
      // round-robin: ant 0, cat 0, zebra 0, then cat 1 (ant has no second image)
      assert.deepEqual(Array.from(set.labels), [0, 1, 2, 1]);
      assert.deepEqual(set.sampleDims, [1, 28, 28]);
      const mean = (i: number) => set.data.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0) / 784;
      assert.deepEqual(
        [0, 1, 2].map((i) => Number(mean(i).toFixed(3))),
        [0, Number((128 / 255).toFixed(3)), 1],
      );
      await assert.rejects(openLabelled(path.join(dir, 'ant'), 4, mnistInput), /one sub-folder per class/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
