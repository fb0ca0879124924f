/**
 * A fit that kept its ridge start (training.improvedOnStart false) has no learned orders ≥ 1: the CLI summary, the
 * Markdown and the HTML report mark them ‡ and say why, and say nothing of the kind for a fit that improved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../../../../src/protocol/report';
import { LINEAR_START_NOTE } from '../../../../src/protocol/training-note';
import { renderHtml } from '../../../../src/engine/report/html';
import { renderMarkdown } from '../../../../src/engine/report/markdown';
import { renderSummary } from '../../../../src/engine/report/text';
import { fullReport } from './full-report';

function withStart(improved: boolean): Report {
  const report = fullReport() as Report;
  report.pairs = report.pairs.map((p) => ({ ...p, training: { ...p.training, improvedOnStart: improved } }));
  return report;
}

test('orders ≥ 1 of a fit that kept its ridge start are marked ‡ with the note in every report', () => {
  const kept = withStart(false);
  const k = kept.settings.orders;
  for (const [name, text] of [
    ['summary', renderSummary(kept)],
    ['markdown', renderMarkdown(kept)],
    ['html', renderHtml(kept)],
  ] as const) {
    // Markdown escapes some of the note's characters; its opening words are plain.
    assert.ok(text.includes(LINEAR_START_NOTE.slice(0, 45)), `${name} lacks the note`);
    assert.ok((text.match(/‡/g) ?? []).length >= k * kept.pairs.length + 1, `${name}: orders ≥ 1 not marked`);
  }
  const improved = withStart(true);
  for (const text of [renderSummary(improved), renderMarkdown(improved), renderHtml(improved)]) {
    assert.ok(!text.includes(LINEAR_START_NOTE) && !text.includes('‡'));
  }
});
