import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDriftHtml } from '../../../../src/engine/report/drift-html';
import { renderDriftSummary } from '../../../../src/engine/report/drift-text';
import { renderFamilyHtml } from '../../../../src/engine/report/family-html';
import { renderFamilySummary } from '../../../../src/engine/report/family-text';
import { assembleFamily } from '../../../../src/engine/family/family';
import { driftJobs, familyJobs } from '../../../../src/engine/family/jobs';
import type { DriftReport, FamilyReport, FitResult, ManyModelReport } from '../../../../src/protocol/family';
import type { ModelRef } from '../../../../src/protocol/report';
import { reportStamp } from '../../report-stamp';

// Names a model folder from the internet may carry: markup, and terminal escapes.
const HOSTILE = '<img src=x onerror=alert(1)>\u001b]8;;http://evil\u0007';
const LAYER = 'block/<b>relu</b>';

const base: Omit<ManyModelReport, 'layers' | 'fits'> = {
  ...reportStamp(),
  probe: { source: 'mnist', count: 100, train: 80, test: 20 },
  timings: { loadSeconds: 0.1, extractSeconds: 0.2, fitSeconds: 3, totalSeconds: 3.3 },
  warnings: [`${HOSTILE} warning`],
};
const model = (name: string): ModelRef => ({ path: `/m/${name}/model.onnx`, name, format: 'onnx' });
const fits = (jobs: ReturnType<typeof familyJobs>): FitResult[] =>
  jobs.map((j) => ({
    ...j,
    explained: 0.9 - j.source / 100,
    orders: [0.9, 0, 0],
    linearCKA: 0.95,
    epochs: 4,
    seconds: 1,
  }));

function family(): FamilyReport {
  const layers = [LAYER, 'fc'];
  const done = fits(familyJobs(3, layers));
  return {
    ...base,
    kind: 'family',
    models: [model('seed1'), model(HOSTILE), model('seed1')],
    layers,
    fits: done,
    ...assembleFamily(3, layers, done),
  };
}

function drift(): DriftReport {
  const layers = [LAYER];
  const done = fits(driftJobs(2, layers, 'final'));
  return {
    ...base,
    kind: 'drift',
    folder: '/runs/<x>',
    against: 'final',
    orderedBy: 'number',
    checkpoints: [
      { ...model(HOSTILE), step: 1, modified: base.createdAt },
      { ...model('epoch2'), step: 2, modified: base.createdAt },
    ],
    layers,
    fits: done,
    series: [done.map((f) => f.explained)],
  };
}

test('the family and drift HTML reports show model and layer text as text, never markup', () => {
  for (const page of [renderFamilyHtml(family()), renderDriftHtml(drift())]) {
    assert.doesNotMatch(page, /<img|<b>|onerror=alert\(1\)>/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(page, /&lt;b&gt;relu&lt;\/b&gt;/);
    assert.doesNotMatch(page, /<script/);
  }
});

test('the family HTML has one N × N matrix per layer (diagonal empty) and a duplicate model named by its position', () => {
  const page = renderFamilyHtml(family());
  assert.equal((page.match(/<svg class="heatmap" data-kind="consistency"/g) ?? []).length, 2);
  assert.equal((page.match(/<rect class="cell empty"/g) ?? []).length, 2 * 3);
  assert.equal((page.match(/<rect class="cell" /g) ?? []).length, 2 * 6);
  assert.match(page, /seed1 #1/);
  assert.match(page, /seed1 #3/);
});

test('the terminal summaries carry no control characters from model names and keep their tables aligned', () => {
  for (const text of [renderFamilySummary(family()), renderDriftSummary(drift())]) {
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.match(text, /\ufffd\]8;;http:\/\/evil\ufffd/);
  }
  const lines = renderFamilySummary(family()).split('\n');
  const header = lines.findIndex((l) => l.startsWith('layer ') && l.includes('reliability'));
  // Header, rule and one row per layer, all one width: a replaced control character takes its character's place.
  const table = lines.slice(header, header + 4);
  assert.match(table[3], /^fc /);
  assert.equal(new Set(table.map((l) => l.length)).size, 1, table.join('\n'));
});
