/** Group 6: bad input gets a clear KcError naming what is wrong, and degenerate-but-valid input never yields NaN. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { disentangle, resolveSettings } from '../../../../src/engine/disentangler/index';
import { KcError } from '../../../../src/engine/errors';
import { readNpy, writeNpy } from '../../../../src/engine/features/npy';
import { createRng } from '../../../../src/engine/random';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { gaussian, smoothFeatures } from './planted';

const settings = resolveSettings({ epochs: 5 });
const run = (a: FeatureTensor, b: FeatureTensor) =>
  disentangle(a, b, settings, { layerA: 'conv1', layerB: 'conv2', direction: 'A->B' });

/** Every number anywhere in the result is finite. */
function assertAllFinite(value: unknown, where = 'result'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertAllFinite(v, `${where}[${i}]`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) assertAllFinite(v, `${where}.${k}`);
}

const rejects = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (e: unknown) => e instanceof KcError && pattern.test(e.message) && !e.message.includes('\n'));

test('N mismatch → ShapeMismatchError naming both layers', async () => {
  const rng = createRng(1);
  await rejects(run(gaussian([20, 3, 3, 2], rng), gaussian([21, 3, 3, 2], rng)), /conv1.*20 samples.*conv2.*21/);
});

test('NaN or Inf in features → non-finite KcError with the sample', async () => {
  const rng = createRng(2);
  const a = gaussian([20, 3, 3, 2], rng),
    b = gaussian([20, 3, 3, 2], rng);
  a.data[3 * 18 + 5] = Number.NaN;
  await rejects(run(a, b), /conv1.*NaN.*sample 3/);
  a.data[3 * 18 + 5] = 0;
  b.data[7] = Number.POSITIVE_INFINITY;
  await rejects(run(a, b), /conv2.*infinite/);
});

test('too few samples and empty tensors → KcError', async () => {
  const rng = createRng(3);
  await rejects(run(gaussian([3, 2, 2, 2], rng), gaussian([3, 2, 2, 2], rng)), /^3 probe samples.*0\.2: 1 held out/);
  await rejects(run({ shape: [0, 2, 2, 2], data: new Float32Array(0) }, gaussian([3, 2, 2, 2], rng)), /empty/);
});

test('zero-variance channels → a warning, no NaN anywhere; an entirely constant B → KcError', async () => {
  const a = smoothFeatures([40, 4, 4, 3], 4),
    b = smoothFeatures([40, 4, 4, 3], 5);
  for (let i = 0; i < a.data.length; i += 3) a.data[i] = 0; // A channel 0 dead (post-ReLU)
  for (let i = 1; i < b.data.length; i += 3) b.data[i] = 2.5; // B channel 1 constant
  const r = await run(a, b);
  assertAllFinite(r);
  assert.equal(r.maps!.perChannel[1], 0, 'a constant channel of B has nothing to explain');
  assert.ok(
    r.warnings?.some((w) => /conv1.*1 of 3 channels are constant/.test(w)),
    `warnings: ${r.warnings}`,
  );
  assert.ok(r.warnings?.some((w) => /conv2.*1 of 3 channels are constant/.test(w)));
  const flat: FeatureTensor = { shape: b.shape, data: new Float32Array(b.data.length).fill(1) };
  await rejects(run(a, flat), /conv2.*constant.*nothing to explain/);
});

test('feature files: empty file, wrong dtype → KcError naming the file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-dis-'));
  const empty = path.join(dir, 'empty.npy');
  await writeFile(empty, Buffer.alloc(0));
  await assert.rejects(readNpy(empty), (e: unknown) => e instanceof KcError && /empty\.npy/.test(e.message));
  // A valid int32 .npy (what np.save writes for an integer array).
  const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  const pad = 64 - ((10 + header.length + 1) % 64);
  const bytes = Buffer.concat([
    Buffer.from('\x93NUMPY\x01\x00', 'latin1'),
    Buffer.from([(header.length + pad + 1) & 0xff, (header.length + pad + 1) >> 8]),
    Buffer.from(`${header}${' '.repeat(pad)}\n`, 'latin1'),
    Buffer.alloc(24),
  ]);
  const ints = path.join(dir, 'ints.npy');
  await writeFile(ints, bytes);
  await assert.rejects(readNpy(ints), (e: unknown) => e instanceof KcError && /ints\.npy.*i4/.test(e.message));
  // And a good file round-trips into a valid pair.
  const good = path.join(dir, 'good.npy');
  await writeNpy(
    good,
    [6, 2],
    Float32Array.from({ length: 12 }, (_, i) => i),
  );
  assert.deepEqual((await readNpy(good)).shape, [6, 1, 1, 2]);
});
