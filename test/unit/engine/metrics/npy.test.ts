/** .npy reading against files written by NumPy (test/fixtures/metrics/make_fixture.py), and writing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../../../src/engine/features/npy';
import { KcError } from '../../../../src/engine/errors';

const dir = join(__dirname, '../../../fixtures/metrics/npy');
const expected = (
  JSON.parse(readFileSync(join(__dirname, '../../../fixtures/metrics/metrics.json'), 'utf8')) as {
    npy: Record<string, { shape: number[]; data: number[] }>;
  }
).npy;

function nhwcShape(shape: number[]): number[] {
  return shape.length === 2 ? [shape[0], 1, 1, shape[1]] : shape;
}

for (const name of ['f32_nhwc', 'f64_fortran_4d', 'f64_fortran_2d', 'f32_big_endian', 'f32_c_2d', 'f32_v2']) {
  test(`reads ${name}.npy as NumPy wrote it`, async () => {
    const t = await readNpy(join(dir, `${name}.npy`));
    assert.deepEqual([...t.shape], nhwcShape(expected[name].shape));
    assert.deepEqual(
      Array.from(t.data),
      expected[name].data.map((v) => Math.fround(v)),
    );
  });
}

test("layout 'nchw' transposes [N, C, H, W] to NHWC", async () => {
  const nchw = await readNpy(join(dir, 'f32_nchw.npy'), { layout: 'nchw' });
  const nhwc = await readNpy(join(dir, 'f32_nhwc.npy'));
  assert.deepEqual([...nchw.shape], [2, 3, 4, 5]);
  assert.deepEqual(Array.from(nchw.data), Array.from(nhwc.data));
  const asIs = await readNpy(join(dir, 'f32_nchw.npy'));
  assert.deepEqual([...asIs.shape], [2, 5, 3, 4]);
});

test('writeNpy writes the bytes NumPy writes, and reads back', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kc-npy-'));
  try {
    const ref = expected.f32_c_2d;
    const path = join(tmp, 'out.npy');
    await writeNpy(path, ref.shape, Float32Array.from(ref.data));
    assert.deepEqual(readFileSync(path), readFileSync(join(dir, 'f32_c_2d.npy')));
    const back = await readNpy(path);
    assert.deepEqual(
      Array.from(back.data),
      ref.data.map((v) => Math.fround(v)),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

const bad: Array<[string, RegExp]> = [
  ['bad_empty.npy', /bad_empty\.npy is empty/],
  ['bad_text.npy', /bad_text\.npy is not a NumPy \.npy file/],
  ['bad_int8.npy', /bad_int8\.npy: dtype '\|i1' is not supported/],
  ['bad_complex.npy', /bad_complex\.npy: dtype '<c8' is not supported/],
  ['bad_object.npy', /bad_object\.npy: dtype '\|O' is not supported/],
  ['bad_structured.npy', /bad_structured\.npy: unreadable \.npy header/],
  ['bad_3d.npy', /bad_3d\.npy: features must be 2-D/],
  ['bad_no_samples.npy', /bad_no_samples\.npy: array of shape \(0, 4\) holds no values/],
  ['bad_truncated.npy', /bad_truncated\.npy: truncated/],
  ['bad_nan.npy', /bad_nan\.npy: value NaN at flat index 7/],
  ['bad_inf.npy', /bad_inf\.npy: value -Infinity at flat index 2/],
  ['bad_f32_overflow.npy', /bad_f32_overflow\.npy: value 1e\+300 at flat index 3 is beyond the float32 range/],
  ['missing.npy', /cannot read .*missing\.npy: ENOENT/],
];
for (const [file, message] of bad) {
  test(`${file} → one-line KcError`, async () => {
    await assert.rejects(readNpy(join(dir, file)), (err: unknown) => {
      assert.ok(err instanceof KcError, String(err));
      assert.match(err.message, message);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  });
}
