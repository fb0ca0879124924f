/** Every report shows the explained fraction's bootstrap interval and labels a debiased CKA (issue 13, item 5). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml } from '../../../../src/engine/report/html';
import { renderMarkdown } from '../../../../src/engine/report/markdown';
import { renderSummary } from '../../../../src/engine/report/text';
import { plantedReport } from '../compare/report-fixture';

function withUncertainty() {
  const report = plantedReport();
  const [first, ...rest] = report.pairs;
  report.pairs = [
    {
      ...first,
      explained: 0.937,
      explainedInterval: [0.912, 0.948],
      interval: { level: 0.95, replicates: 1000, resampled: 'held-out probes' },
      similarity: {
        ...first.similarity,
        linearCKA: 0.999,
        linearCKAUnbiased: 0.412,
        cka: { estimator: 'unbiased', value: 0.412, interval: [0.301, 0.522], level: 0.95, replicates: 1000 },
      },
    },
    ...rest,
  ];
  return report;
}

test('CLI table and Markdown: explained with [low, high], the debiased CKA labelled, a footnote for both', () => {
  // Markdown escapes brackets and parentheses; read it as it renders.
  const unescape = (t: string) => t.replace(/\\([[\]()*_])/g, '$1');
  for (const text of [renderSummary(withUncertainty()), unescape(renderMarkdown(withUncertainty()))]) {
    assert.match(text, /0\.937 \[0\.912, 0\.948\]/);
    assert.match(text, /0\.412 \(debiased\)/);
    assert.doesNotMatch(text, /0\.999/, 'the biased CKA is not the one shown below 512 probes');
    assert.match(text, /95 % bootstrap interval of explained over held-out probes/);
    assert.match(text, /CKA \(debiased\) = the unbiased estimator, shown below 512 probes/);
  }
  // Without intervals (an older report) nothing is added.
  const plain = renderSummary(plantedReport());
  assert.doesNotMatch(plain, /bootstrap|debiased|\[0\./);
});

test('HTML report: interval under the explained fraction and the CKA, debiased label with its reason', () => {
  const html = renderHtml(withUncertainty());
  assert.match(html, /0\.937(?:(?!<\/td>).)*<span class="interval">\[0\.912, 0\.948\]<\/span><\/td>/);
  assert.match(
    html,
    /0\.412 <span class="spread" title="CKA \(debiased\)[^"]*">\(debiased\)<\/span> <span class="interval">\[0\.301, 0\.522\]<\/span>/,
  );
  assert.match(html, /95 % bootstrap interval of explained over held-out probes/);
});
