import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisRecord } from '../../../src/extension/contracts';
import { exportBytes } from '../../../src/extension/panel/export-bytes';
import { contentSecurityPolicy, panelHtml } from '../../../src/extension/panel/html';
import { snapshot, updatesFor } from '../../../src/extension/panel/updates';
import { pair, sampleReport } from './fixture';

function running(): AnalysisRecord {
  return { id: 'x', modelA: '/m/a.onnx', modelB: '/m/b.onnx', probe: 'mnist × 100', preset: 'fast', startedAt: '', status: 'running', report: { ...sampleReport(), pairs: [], matrix: undefined } };
}

test('first contact sends the whole record with the focus', () => {
  const r = running();
  const focus = { layerA: 'a1', layerB: 'b1', direction: 'A->B' as const };
  assert.deepEqual(updatesFor(undefined, r, focus), [{ type: 'kc/record', record: r, focus }]);
});

test('a running analysis streams only what is new: matrix, each pair once, then status', () => {
  const r = running();
  let sent = snapshot(r);
  assert.deepEqual(updatesFor(sent, r), []);
  r.report!.matrix = sampleReport().matrix;
  r.report!.pairs.push(pair('a1', 'b1', 'A->B', 0.8, [0.7, 0.1, 0]), pair('a3', 'b2', 'A->B', 0.9, [0.6, 0.2, 0]));
  const msgs = updatesFor(sent, r);
  assert.deepEqual(msgs.map((m) => m.type), ['kc/matrix', 'kc/pairResult', 'kc/pairResult']);
  sent = snapshot(r);
  r.report!.pairs.push(pair('a2', 'b2', 'B->A', 0.5, [0.5, 0, 0]));
  const next = updatesFor(sent, r);
  assert.equal(next.length, 1);
  assert.equal(next[0].type === 'kc/pairResult' && next[0].pair.layerA, 'a2');
  sent = snapshot(r);
  const stale = { ...r, stale: true };
  assert.deepEqual(updatesFor(sent, stale), [{ type: 'kc/stale', analysisId: 'x', stale: true }]);
});

test('a replaced report (done, failed) or another analysis is sent whole', () => {
  const r = running();
  const sent = snapshot(r);
  const done = { ...r, status: 'done' as const, report: sampleReport() };
  assert.deepEqual(updatesFor(sent, done).map((m) => m.type), ['kc/record']);
  const failed = { ...r, status: 'failed' as const, error: 'boom', report: undefined };
  assert.deepEqual(updatesFor(sent, failed).map((m) => m.type), ['kc/record']);
  assert.deepEqual(updatesFor(sent, { ...r, id: 'y' }).map((m) => m.type), ['kc/record']);
});

test('the HTML allows only the nonce\'d script and the webview\'s own origin', () => {
  const csp = contentSecurityPolicy('https://w.vscode-cdn.net', 'N0NCE');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0NCE'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const page = panelHtml({ cspSource: 'https://w', nonce: 'N0NCE', scriptUri: 'https://w/dist/webview.js', styleUri: 'https://w/dist/webview.css', title: 'a <b>' });
  assert.equal(page.match(/<script/g)?.length, 1);
  assert.match(page, /<script nonce="N0NCE" src="https:\/\/w\/dist\/webview.js"><\/script>/);
  assert.match(page, /<title>a &lt;b&gt;<\/title>/);
  assert.doesNotMatch(page, /\sstyle=|\son[a-z]+=/);
});

test('exports: PNG bytes from the data URL, CSV as UTF-8, the JSON report as written, no JSON without a report', () => {
  const png = exportBytes({ type: 'kc/export', analysisId: 'x', format: 'png', dataUrl: 'data:image/png;base64,iVBORw0KGgo=', suggestedName: 'a.png' }, undefined);
  assert.deepEqual([...png], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const csv = exportBytes({ type: 'kc/export', analysisId: 'x', format: 'csv', content: 'a,ε\n', suggestedName: 'a.csv' }, undefined);
  assert.equal(Buffer.from(csv).toString('utf8'), 'a,ε\n');
  const report = sampleReport();
  const json = exportBytes({ type: 'kc/export', analysisId: 'x', format: 'json', suggestedName: 'a.json' }, report);
  assert.deepEqual(JSON.parse(Buffer.from(json).toString('utf8')), report);
  assert.throws(() => exportBytes({ type: 'kc/export', analysisId: 'x', format: 'json', suggestedName: 'a.json' }, undefined), /no report/);
});
