import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { KcError } from '../../../../src/engine/errors';
import { parseReport } from '../../../../src/engine/report/read';
import { writeReports } from '../../../../src/engine/report/write';
import { plantedReport } from '../compare/report-fixture';
import { fullReport } from './full-report';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation = { kind: 'delete' } | { kind: 'set'; value: Json } | { kind: 'grow'; length: number };

/** Values a saved report should not hold where they land: other types, huge and tiny numbers, lookalike text. */
const REPLACEMENTS: Json[] = [
  'text',
  '',
  'A->B',
  -1,
  0,
  0.5,
  1e9,
  -1e9,
  1e308,
  -1e308,
  2 ** 53,
  5e-324,
  true,
  null,
  [],
  {},
  [1e308, -1],
  { a: 1 },
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'delete' as const }),
  fc.constantFrom(...REPLACEMENTS).map((value) => ({ kind: 'set' as const, value })),
  // Just past the caps: orders 17, matrix lists 1,024, pairs and curve points 10,000.
  fc.constantFrom(18, 1025, 10_001).map((length) => ({ kind: 'grow' as const, length })),
);

/** Every place in `value` (as key paths), the root excluded. */
function places(value: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...at, k], ...places((value as Record<string | number, Json>)[k], [...at, k])]);
}

function mutate(report: Json, place: Array<string | number>, m: Mutation): void {
  const parent = place.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], report) as
    Json[] | Record<string, Json>;
  const key = place[place.length - 1];
  if (m.kind === 'delete' && Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (m.kind === 'delete') delete (parent as Record<string, Json>)[key];
  else if (m.kind === 'set') (parent as Record<string | number, Json>)[key] = structuredClone(m.value);
  else {
    const target = (parent as Record<string | number, Json>)[key];
    const seed: Json = Array.isArray(target) && target.length > 0 ? target[0] : 1e9;
    // A copy per element: one shared object would make a later edit of one element an edit of all of them.
    (parent as Record<string | number, Json>)[key] = Array.from({ length: m.length }, () => structuredClone(seed));
  }
}

test('a mutated report is either refused in one line or rendered by kc report: never an internal error', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-report-property-'));
  const files = { html: path.join(dir, 'r.html'), md: path.join(dir, 'r.md') };
  const outcomes = { rendered: 0, refused: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('planted', 'full'),
        fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
        async (base, edits) => {
          const report = (base === 'planted' ? plantedReport() : fullReport()) as unknown as Json;
          for (const [n, m] of edits) {
            const all = places(report);
            if (all.length > 0) mutate(report, all[n % all.length], m);
          }
          let parsed;
          try {
            parsed = parseReport(JSON.stringify(report), 'r.json');
          } catch (error) {
            assert.ok(
              error instanceof KcError,
              `not a KcError: ${error instanceof Error ? error.stack : String(error)}`,
            );
            assert.match(error.message, /^r\.json is not (a valid |a )knowledge-consistency report\b[^\n]*$/);
            outcomes.refused++;
            return;
          }
          await writeReports(parsed, files);
          outcomes.rendered++;
        },
      ),
      { numRuns: 300 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // Both sides were exercised: some mutations are harmless (an optional field deleted), most are not.
  assert.ok(outcomes.rendered > 10 && outcomes.refused > 100, JSON.stringify(outcomes));
});
