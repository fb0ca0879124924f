import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import schema from '../../../../docs/report.schema.json';
import { runCompare } from '../../../../src/engine/compare';
import { parseReport } from '../../../../src/engine/report/read';
import { plantedReport } from '../compare/report-fixture';
import { fullReport } from './full-report';
import { reportShape, schemaDifferences } from './schema-types';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

test('docs/report.schema.json declares exactly the fields, required fields, types and values of report.ts', () => {
  const shape = reportShape();
  assert.deepEqual(schemaDifferences(shape, schema), []);
  // The comparison sees a drift: a schema without `skipped`, or with `warnings` optional, or kernel 1 | 3 | 5.
  const drifted = structuredClone(schema) as typeof schema & {
    definitions: { DisentangleSettings: { properties: { kernel: { enum: number[] } } } };
  };
  delete (drifted.properties as Partial<typeof schema.properties>).skipped;
  drifted.required = drifted.required.filter((k) => k !== 'warnings');
  drifted.definitions.DisentangleSettings.properties.kernel.enum.push(5);
  assert.deepEqual(schemaDifferences(shape, drifted), [
    '/skipped: missing from the schema',
    '/: required [schemaVersion,tool,createdAt,backend,settings,probe,pairs] but report.ts requires [backend,createdAt,pairs,probe,schemaVersion,settings,tool,warnings]',
    '/settings/kernel: the schema allows 1, 3, 5, report.ts 1,3',
  ]);
});

test('the schema accepts the planted report, one with every optional field, and the committed engine report', () => {
  for (const [name, report] of [
    ['planted', plantedReport()],
    ['full', fullReport()],
    [
      'sample-report.json',
      JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/reports/sample-report.json'), 'utf8')),
    ],
  ] as const) {
    assert.deepEqual(parseReport(JSON.stringify(report), name), report, name);
  }
});

test('the schema accepts a report the engine writes now (seed1 vs seed2, both directions, two seeds)', async () => {
  const report = await runCompare(
    {
      modelA: path.join(ROOT, 'samples/mnist-cnn-seed1/model.onnx'),
      modelB: path.join(ROOT, 'samples/mnist-cnn-seed2/model.onnx'),
      probe: { source: 'mnist', count: 60 },
      direction: 'both',
      settings: { epochs: 2, seeds: 2 },
    },
    {},
  );
  assert.ok(
    report.pairs.length >= 4 && report.matrix && report.pairs[0].maps?.samples?.[0]?.image,
    'a report with maps',
  );
  const text = JSON.stringify(report);
  assert.deepEqual(parseReport(text, 'compare.json'), JSON.parse(text));
});
