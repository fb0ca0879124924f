import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fitProbe, openProbe, SYNTHETIC_WARNING } from '../../../../src/engine/probes';
import { KcError } from '../../../../src/engine/errors';
import type { InputBatch } from '../../../../src/engine/models/types';

const FIXTURES = path.join(__dirname, 'fixtures', 'probe-folder');

async function collect(batches: AsyncIterable<InputBatch>): Promise<InputBatch[]> {
  const out: InputBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

const isProbeError = (pattern: RegExp) => (e: unknown) => e instanceof KcError && pattern.test(e.message);

test('MNIST probe streams the real test digits in batches', async () => {
  const probe = await openProbe({ source: 'mnist', count: 100 }, { height: 28, width: 28, channels: 1 });
  assert.equal(probe.count, 100);
  assert.equal(probe.warning, undefined);
  const batches = await collect(fitProbe(probe, { height: 28, width: 28, channels: 1 }, undefined, 32).batches());
  assert.deepEqual(
    batches.map((b) => b.shape[0]),
    [32, 32, 32, 4],
  );
  assert.deepEqual(batches[0].shape, [32, 28, 28, 1]);
  const first = batches[0].data.subarray(0, 784);
  // MNIST test #0 is a 7: dark background corners, a bright stroke, ~10-20 % of pixels inked.
  assert.equal(first[0], 0);
  assert.equal(Math.max(...first), 1);
  const inked = first.filter((v) => v > 0.5).length / 784;
  assert.ok(inked > 0.05 && inked < 0.3, `inked fraction ${inked}`);
  // Real digits differ from each other.
  const second = batches[0].data.subarray(784, 1568);
  assert.ok(first.some((v, i) => v !== second[i]));
});

test('MNIST probe is resized, converted to RGB and normalised per model', async () => {
  const probe = await openProbe({ source: 'mnist', count: 3 }, { height: 28, width: 28, channels: 1 });
  const native = (await collect(fitProbe(probe, { height: 28, width: 28, channels: 1 }, undefined).batches()))[0];
  const fitted = fitProbe(probe, { height: 56, width: 56, channels: 3 }, { mean: [0.5], std: [0.25] });
  assert.match(fitted.preprocessing, /RGB 56×56/);
  assert.match(fitted.preprocessing, /mean 0\.5/);
  assert.throws(
    () => fitProbe(probe, { height: 28, width: 28, channels: 1 }, { mean: [0.1, 0.2, 0.3] }),
    isProbeError(/mean has 3 values and the model has 1 input channels/),
  );
  const big = (await collect(fitted.batches()))[0];
  assert.deepEqual(big.shape, [3, 56, 56, 3]);
  // Doubling with half-pixel bilinear: output pixel (2y+1, 2x+1) lies 1/4 of the way from source (y,x) to (y+1,x+1).
  const y = 10;
  const x = 12;
  const src = (yy: number, xx: number) => native.data[yy * 28 + xx];
  const expected =
    0.75 * 0.75 * src(y, x) + 0.75 * 0.25 * (src(y + 1, x) + src(y, x + 1)) + 0.25 * 0.25 * src(y + 1, x + 1);
  for (let k = 0; k < 3; k++) {
    const v = big.data[((2 * y + 1) * 56 + (2 * x + 1)) * 3 + k];
    assert.ok(Math.abs(v - (expected - 0.5) / 0.25) < 1e-5, `channel ${k}: ${v}`);
  }
});

test('image folder: PNG and JPEG decoded, resized, channels converted; a non-image file is skipped by name', async () => {
  const probe = await openProbe({ source: FIXTURES, count: 10 }, { height: 2, width: 2, channels: 3 });
  assert.equal(probe.count, 2);
  assert.ok(
    probe.warnings.some((w) => w.includes('notes.txt') && /not PNG or JPEG/.test(w)),
    probe.warnings.join('; '),
  );
  assert.ok(probe.warnings.some((w) => /using all of them instead of 10/.test(w)));
  const [batch] = await collect(fitProbe(probe, { height: 2, width: 2, channels: 3 }, undefined).batches());
  assert.deepEqual(batch.shape, [2, 2, 2, 3]);
  // a-red-blue.png: left half red, right half blue; halved → left column red, right column blue.
  assert.deepEqual(Array.from(batch.data.subarray(0, 12)), [1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
  // b-gray.jpg: uniform 128 gray, replicated to RGB.
  for (const v of batch.data.subarray(12, 24)) assert.ok(Math.abs(v - 128 / 255) < 2 / 255, String(v));
  // For a grayscale model, RGB becomes luma (red → 0.299), with the range setting applied.
  const [gray] = await collect(fitProbe(probe, { height: 2, width: 2, channels: 1 }, { range: [-1, 1] }).batches());
  assert.ok(Math.abs(gray.data[0] - (-1 + 2 * 0.299)) < 1e-6, String(gray.data[0]));
  assert.ok(Math.abs(gray.data[1] - (-1 + 2 * 0.114)) < 1e-6, String(gray.data[1]));
});

test('image folder problems are clear one-line errors naming the path', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-probe-'));
  try {
    await assert.rejects(
      openProbe({ source: path.join(dir, 'missing'), count: 4 }, { height: 2, width: 2, channels: 1 }),
      isProbeError(/missing does not exist/),
    );
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await assert.rejects(
      openProbe({ source: empty, count: 4 }, { height: 2, width: 2, channels: 1 }),
      isProbeError(/empty is empty/),
    );
    const textOnly = path.join(dir, 'text');
    await mkdir(textOnly);
    await writeFile(path.join(textOnly, 'readme.md'), '# hi');
    await assert.rejects(
      openProbe({ source: textOnly, count: 4 }, { height: 2, width: 2, channels: 1 }),
      isProbeError(/no PNG or JPEG images.*readme\.md/),
    );
    // A file that claims to be a PNG but is corrupt fails the stream with its name.
    const corrupt = path.join(dir, 'corrupt');
    await mkdir(corrupt);
    await copyFile(path.join(FIXTURES, 'a-red-blue.png'), path.join(corrupt, 'a.png'));
    await writeFile(
      path.join(corrupt, 'b.png'),
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage')]),
    );
    const probe = await openProbe({ source: corrupt, count: 4 }, { height: 2, width: 2, channels: 1 });
    await assert.rejects(
      collect(fitProbe(probe, { height: 2, width: 2, channels: 1 }, undefined).batches()),
      isProbeError(/b\.png could not be decoded as PNG/),
    );
    await assert.rejects(
      openProbe({ source: path.join(corrupt, 'a.png'), count: 4 }, { height: 2, width: 2, channels: 1 }),
      isProbeError(/not an \.npy/),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('.npy probe: NCHW inputs are detected, used as stored and resized per model', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-npy-'));
  try {
    // [3, 1, 6, 6] float32, value = sample*100 + pixel index.
    const shape = [3, 1, 6, 6];
    const data = new Float32Array(3 * 36).map((_, i) => Math.floor(i / 36) * 100 + (i % 36));
    const file = path.join(dir, 'inputs.npy');
    await writeFile(file, npyBytes(shape, data));
    const probe = await openProbe({ source: file, count: 10 }, { height: 6, width: 6, channels: 1 });
    assert.equal(probe.count, 3);
    assert.equal(probe.pixels, false);
    const [same] = await collect(fitProbe(probe, { height: 6, width: 6, channels: 1 }, { range: [0, 255] }).batches());
    assert.deepEqual(same.shape, [3, 6, 6, 1]);
    assert.deepEqual(Array.from(same.data), Array.from(data), 'values are used as stored, not rescaled');
    const [small] = await collect(fitProbe(probe, { height: 3, width: 3, channels: 1 }, undefined).batches());
    // Halving: output (0,0) is the mean of source pixels 0, 1, 6, 7.
    assert.equal(small.data[9], 100 + (0 + 1 + 6 + 7) / 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('synthetic noise only when asked, with the warning, identical on every pass', async () => {
  const probe = await openProbe({ source: 'synthetic', count: 5, seed: 3 }, { height: 4, width: 4, channels: 1 });
  assert.equal(probe.warning, SYNTHETIC_WARNING);
  const fitted = fitProbe(probe, { height: 4, width: 4, channels: 1 }, undefined);
  const [a] = await collect(fitted.batches());
  const [b] = await collect(fitted.batches());
  assert.deepEqual(a.data, b.data);
  assert.ok(a.data.every((v) => v >= 0 && v < 1));
});

/** A little-endian float32 .npy (format 1.0). */
function npyBytes(shape: number[], data: Float32Array): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}
