import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStoredAnalysis, type StoredAnalysis } from '../../../../src/extension/results/cache-file';
import { plantedReport } from '../compare/report-fixture';

function stored(): StoredAnalysis {
  return {
    formatVersion: 1,
    hashes: { a: 'ab'.repeat(32), b: 'cd'.repeat(32) },
    record: {
      id: '0123456789abcdef01234567',
      modelA: '/w/a/model.onnx',
      modelB: '/w/b/model.onnx',
      probe: 'mnist × 500',
      preset: 'fast',
      startedAt: '2026-11-29T17:00:00.000Z',
      status: 'done',
      report: plantedReport(),
    },
  };
}

/** The one-line message of what parseStoredAnalysis throws for `text`. */
function refusal(text: string, file = 'x.json'): string {
  try {
    parseStoredAnalysis(text, file);
  } catch (error) {
    assert.ok(error instanceof Error);
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('accepted');
}

test('a cache file the store wrote reads back as it was, with or without its report', () => {
  const full = stored();
  assert.deepEqual(parseStoredAnalysis(JSON.stringify(full), 'x.json'), full);
  const { report: _report, ...record } = full.record;
  const bare = { ...full, record: { ...record, status: 'cancelled' as const, error: 'cancelled', stale: true } };
  assert.deepEqual(parseStoredAnalysis(JSON.stringify(bare), 'x.json'), bare);
});

test('another format version is left alone, not reported as broken', () => {
  assert.equal(parseStoredAnalysis(JSON.stringify({ ...stored(), formatVersion: 2 }), 'x.json'), undefined);
});

/** A stored analysis changed by `change` (through `any`: crafted files do not fit the types), as text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function edited(change: (s: any) => void): string {
  const s = stored();
  change(s);
  return JSON.stringify(s);
}

test('a corrupt or crafted cache file is refused in one line naming the file and its first bad field', () => {
  const text = JSON.stringify(stored());
  assert.match(refusal(text.slice(0, text.length / 2)), /^x\.json is not JSON \(/);
  const invalid = 'x.json is not a valid knowledge-consistency report:';
  const cases: Array<[string, string]> = [
    [
      edited((s) => (s.record.report.pairs[0].explained = '0.9')),
      `${invalid} /record/report/pairs/0/explained must be number`,
    ],
    [edited((s) => (s.record.report.settings.orders = 1e9)), `${invalid} /record/report/settings/orders must be <= 16`],
    [edited((s) => delete s.record.report.pairs[2].training), `${invalid} /record/report/pairs/2/training is missing`],
    [
      edited((s) => (s.record.report = { hello: 1 })),
      'x.json is not a knowledge-consistency report (schemaVersion 1 with pairs and settings)',
    ],
    [edited((s) => (s.record.id = '../../settings')), 'x.json: /record/id must be 1 to 64 letters, digits, - or _'],
    [
      edited((s) => (s.record.status = 'bogus')),
      'x.json: /record/status must be one of running, done, failed, cancelled',
    ],
    [edited((s) => (s.record.modelA = 7)), 'x.json: /record/modelA must be a string of at most 10000 characters'],
    [edited((s) => (s.record.stale = 'yes')), 'x.json: /record/stale must be boolean'],
    [edited((s) => (s.hashes = ['a', 'b'])), 'x.json: /hashes must be object'],
    [edited((s) => (s.record = null)), 'x.json: /record must be object'],
  ];
  for (const [text, message] of cases) assert.equal(refusal(text), message);
  assert.equal(refusal('[1]'), 'x.json: the top level must be object');
  assert.match(refusal('{', 'evil\n.json'), /^evil\ufffd\.json is not JSON \(/);
});
