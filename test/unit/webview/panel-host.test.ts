import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisEvent, AnalysisRecord } from '../../../src/extension/contracts';
import type { Progress } from '../../../src/protocol/progress';
import { exportBytes } from '../../../src/extension/panel/export-bytes';
import { panelHtml } from '../../../src/extension/panel/html';
import { contentSecurityPolicy } from '../../../src/extension/webviewHtml';
import { hostMessageFor } from '../../../src/extension/panel/events';
import { applyHostMessage, EMPTY, inFlight } from '../../../webview/model/stream';
import { pair, sampleReport } from './fixture';

function running(): AnalysisRecord {
  return {
    id: 'x',
    modelA: '/m/a.onnx',
    modelB: '/m/b.onnx',
    probe: 'mnist × 100',
    preset: 'fast',
    startedAt: '',
    status: 'running',
    report: { ...sampleReport(), pairs: [], matrix: undefined },
  };
}

const plan = [
  { layerA: 'a1', layerB: 'b1', direction: 'A->B' as const },
  { layerA: 'a3', layerB: 'b2', direction: 'A->B' as const },
  { layerA: 'a2', layerB: 'b2', direction: 'B->A' as const },
];

/** The webview message for a progress event of `r` with the engine's progress. */
function progressMessage(r: AnalysisRecord, progress: Progress | undefined) {
  return hostMessageFor(
    { kind: 'progress', record: r, progress: { id: 'x', message: 'm', fraction: 0.5, progress } },
    plan,
  );
}

test('each store event is one webview message; the stream after a ready gives the same panel state as the final record', () => {
  const r = running();
  let streamed = applyHostMessage(EMPTY, { type: 'kc/record', record: structuredClone(r) });
  const events: AnalysisEvent[] = [];
  r.report!.matrix = sampleReport().matrix;
  events.push({ kind: 'matrix', record: r, matrix: r.report!.matrix! });
  for (const [layerA, layerB, direction, explained] of [
    ['a1', 'b1', 'A->B', 0.8],
    ['a3', 'b2', 'A->B', 0.9],
  ] as const) {
    const p = pair(layerA, layerB, direction, explained, [0.6, 0.1, 0]);
    r.report!.pairs.push(p);
    events.push({ kind: 'pair', record: r, pair: p });
  }
  const stale = { ...r, stale: true };
  events.push({ kind: 'stale', record: stale });
  const messages = events.map((e) => hostMessageFor(e, plan));
  assert.deepEqual(
    messages.map((m) => m.type),
    ['kc/matrix', 'kc/pairResult', 'kc/pairResult', 'kc/stale'],
  );
  for (const m of messages) streamed = applyHostMessage(streamed, m);
  const whole = applyHostMessage(EMPTY, { type: 'kc/record', record: structuredClone(stale) });
  assert.deepEqual(streamed.report.pairs, whole.report.pairs);
  assert.deepEqual(streamed.report.matrix, whole.report.matrix);
  assert.equal(streamed.record?.stale, true);
});

test('progress marks the fit in flight and the later fits of the plan as pending; before the first fit all are pending', () => {
  const r = running();
  const progress = (pairIndex?: number) =>
    progressMessage(
      r,
      pairIndex
        ? {
            phase: 'disentangle',
            done: 1,
            total: 4,
            overallFraction: 0.5,
            pair: { ...plan[pairIndex - 1], index: pairIndex, count: 3 },
          }
        : undefined,
    );
  const first = progress();
  assert.ok(first.type === 'kc/progress');
  assert.deepEqual([first.progress.running, first.progress.pending], [undefined, plan]);
  const second = progress(2);
  assert.ok(second.type === 'kc/progress');
  assert.deepEqual([second.progress.running, second.progress.pending], [[plan[1]], [plan[2]]]);
  const state = applyHostMessage(applyHostMessage(EMPTY, { type: 'kc/record', record: r }), second);
  assert.deepEqual(inFlight(state), [plan[1], plan[2]]);
});

test('fits side by side: every fit in flight is marked running, the later ones pending', () => {
  const r = running();
  const message = progressMessage(r, {
    phase: 'disentangle',
    done: 3,
    total: 4,
    overallFraction: 0.5,
    pair: { ...plan[1], index: 2, count: 3 },
    running: [1, 2],
  });
  assert.ok(message.type === 'kc/progress');
  assert.deepEqual([message.progress.running, message.progress.pending], [[plan[0], plan[1]], [plan[2]]]);
});

test('a finished, failed or cancelled analysis is sent whole', () => {
  const done = { ...running(), status: 'done' as const, report: sampleReport() };
  assert.deepEqual(hostMessageFor({ kind: 'record', record: done }, undefined), { type: 'kc/record', record: done });
});

test("the HTML allows only the nonce'd script and the webview's own origin", () => {
  const csp = contentSecurityPolicy('https://w.vscode-cdn.net', 'N0NCE');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0NCE'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const page = panelHtml({
    cspSource: 'https://w',
    nonce: 'N0NCE',
    scriptUri: 'https://w/dist/webview.js',
    styleUri: 'https://w/dist/webview.css',
    title: 'a <b>',
  });
  assert.equal(page.match(/<script/g)?.length, 1);
  assert.match(page, /<script nonce="N0NCE" src="https:\/\/w\/dist\/webview.js"><\/script>/);
  assert.match(page, /<title>a &lt;b&gt;<\/title>/);
  assert.doesNotMatch(page, /\sstyle=|\son[a-z]+=/);
});

test('exports: PNG bytes from the data URL, CSV as UTF-8', () => {
  const png = exportBytes({
    type: 'kc/export',
    analysisId: 'x',
    format: 'png',
    dataUrl: 'data:image/png;base64,iVBORw0KGgo=',
    suggestedName: 'a.png',
  });
  assert.deepEqual([...png], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const csv = exportBytes({
    type: 'kc/export',
    analysisId: 'x',
    format: 'csv',
    content: 'a,ε\n',
    suggestedName: 'a.csv',
  });
  assert.equal(Buffer.from(csv).toString('utf8'), 'a,ε\n');
});
