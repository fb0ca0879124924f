import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KcError } from '../../../../src/engine/errors';
import { checkReport, parseReport } from '../../../../src/engine/report/read';
import type { Report } from '../../../../src/protocol/report';
import { plantedReport } from '../compare/report-fixture';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A planted report changed by `edit` (through `any`: hostile reports do not fit the types). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function hostile(edit: (r: any) => void): unknown {
  const r = plantedReport();
  edit(r);
  return r;
}

/** The one-line KcError that `fn` throws. */
function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof KcError, `not a KcError: ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('accepted');
}

/** Bytes the heap grew by while `fn` ran (the value it checks already built). */
function heapGrowth(fn: () => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  fn();
  return process.memoryUsage().heapUsed - before;
}

const point = { epoch: 1, train: 0.5, test: 0.6 };
const HOSTILE: Array<[string, () => unknown, string]> = [
  ['a missing field', () => hostile((r) => delete r.pairs[1].inconsistent), '/pairs/1/inconsistent is missing'],
  [
    'a wrong type',
    () => hostile((r) => (r.pairs[3].orders[0].fraction = 'high')),
    '/pairs/3/orders/0/fraction must be number',
  ],
  ['null for a number', () => hostile((r) => (r.pairs[0].explained = null)), '/pairs/0/explained must be number'],
  ['orders 1e9', () => hostile((r) => (r.settings.orders = 1e9)), '/settings/orders must be <= 16'],
  ['kernel 5', () => hostile((r) => (r.settings.kernel = 5)), '/settings/kernel must be one of 1, 3'],
  [
    '2 million curve points',
    () => hostile((r) => (r.pairs[2].training.curve = new Array(2_000_000).fill(point))),
    '/pairs/2/training/curve must NOT have more than 10000 items',
  ],
  [
    '20 000 pairs',
    () => hostile((r) => (r.pairs = new Array(20_000).fill(r.pairs[0]))),
    '/pairs must NOT have more than 10000 items',
  ],
  [
    'a 10 MB string',
    // A flat string, as JSON.parse makes it ('x'.repeat makes a rope, which the first read flattens into a copy).
    () => hostile((r) => (r.warnings = [Buffer.alloc(10_000_000, 'x').toString('latin1')])),
    '/warnings/0 must NOT have more than 10000 characters',
  ],
  [
    'a matrix measure of the wrong length',
    () => hostile((r) => r.matrix.measures.linearCKA.pop()),
    '/matrix/measures/linearCKA has 5 values for 3 × 2 layers',
  ],
  [
    'a 1,000,000-cell matrix named by two short lists',
    () =>
      hostile((r) => (r.matrix = { layersA: ['a'], layersB: ['b'], measures: { cka: new Array(1_000_000).fill(0) } })),
    '/matrix/measures/cka has 1000000 values for 1 × 1 layers',
  ],
];

for (const [name, build, problem] of HOSTILE) {
  test(`a report with ${name} is refused in one line naming the field`, () => {
    const value = build();
    const text = JSON.stringify(value);
    assert.equal(
      rejection(() => parseReport(text, 'r.json')),
      `r.json is not a valid knowledge-consistency report: ${problem}`,
    );
  });
}

test('refusing a hostile report allocates no more than a few MB beyond the parsed value', () => {
  checkReport(plantedReport(), 'warm-up.json'); // compiles the validator
  for (const [name, build] of HOSTILE) {
    const value = build();
    const grown = heapGrowth(() => rejection(() => checkReport(value, 'r.json')));
    assert.ok(grown < 2 * 1024 * 1024, `${name}: the heap grew by ${(grown / 1024 / 1024).toFixed(1)} MB`);
  }
});

test('what is not a report at all keeps its own messages', () => {
  assert.equal(
    rejection(() => parseReport('{"pairs": [', 'a.json')),
    'a.json is not JSON: give a report written by kc compare --json',
  );
  for (const text of ['{"hello": 1}', 'null', '[1]', '{"schemaVersion": 2, "pairs": [], "settings": {}}']) {
    assert.equal(
      rejection(() => parseReport(text, 'b.json')),
      'b.json is not a knowledge-consistency report (schemaVersion 1 with pairs and settings)',
    );
  }
});

test('field names from the file are shown on one line, cut when long; `at` places a report inside a larger file', () => {
  const key = `evil\n\u001b[2J${'k'.repeat(10_000)}`;
  const value = hostile((r) => (r.matrix.measures = { [key]: [0, 0, 0, 0, 0, 'x'] }));
  assert.equal(
    rejection(() => checkReport(value, 'c.json')),
    'c.json is not a valid knowledge-consistency report: /matrix/measures has a key that must NOT have more than 100 characters',
  );
  const shortKey = hostile((r) => (r.matrix.measures = { 'a/b\n': [0, 0, 0, 0, 0, 'x'] }));
  assert.equal(
    rejection(() => checkReport(shortKey, 'c.json', '/record/report')),
    'c.json is not a valid knowledge-consistency report: /record/report/matrix/measures/a~1b\ufffd/5 must be number or null',
  );
  const longKey = hostile((r) => (r.matrix.measures = { ['k'.repeat(100)]: [0, 0, 0, 0, 0, 'x'] }));
  assert.equal(
    rejection(() => checkReport(longKey, 'c.json')),
    `c.json is not a valid knowledge-consistency report: /matrix/measures/${'k'.repeat(60)}…/5 must be number or null`,
  );
});

test('a valid report comes back as the same value, typed', () => {
  const planted = plantedReport();
  const report: Report = checkReport(planted, 'd.json');
  assert.equal(report, planted);
});
