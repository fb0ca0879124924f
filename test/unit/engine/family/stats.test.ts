import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanInterval, t975 } from '../../../../src/engine/family/stats';

test("t975 matches Student's t tables, through the table and the expansion beyond it", () => {
  // Published two-sided 95 % critical values.
  const table: Array<[number, number]> = [
    [1, 12.706],
    [2, 4.303],
    [10, 2.228],
    [30, 2.042],
    [31, 2.0395],
    [40, 2.0211],
    [60, 2.0003],
    [120, 1.9799],
    [100000, 1.96],
  ];
  for (const [df, t] of table) assert.ok(Math.abs(t975(df) - t) < 6e-4, `t(0.975, ${df}) = ${t975(df)}, table ${t}`);
  assert.throws(() => t975(0), RangeError);
});

test('meanInterval: mean ± t·sd/√n of the finite values; null and NaN are not entries', () => {
  const r = meanInterval([1, 2, null, 3, Number.NaN, 4]);
  assert.equal(r.n, 4);
  assert.equal(r.mean, 2.5);
  const sd = Math.sqrt(5 / 3);
  assert.ok(Math.abs(r.sd! - sd) < 1e-12);
  const half = (3.182 * sd) / 2;
  assert.ok(Math.abs(r.low! - (2.5 - half)) < 1e-9 && Math.abs(r.high! - (2.5 + half)) < 1e-9);
  // One entry: a mean but no spread; none: nothing.
  assert.deepEqual(meanInterval([0.7, null]), { mean: 0.7, sd: null, n: 1, low: null, high: null });
  assert.deepEqual(meanInterval([]), { mean: null, sd: null, n: 0, low: null, high: null });
});
