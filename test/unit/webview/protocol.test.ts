import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostMessage, parseWebviewMessage } from '../../../src/protocol/webview.protocol';

const focus = { layerA: 'conv1', layerB: 'conv2', direction: 'A->B' };

test('accepts each well-formed webview message', () => {
  const good: unknown[] = [
    { type: 'kc/ready' },
    { type: 'kc/ready', analysisId: 'a1' },
    { type: 'kc/openPair', analysisId: 'a1', focus },
    { type: 'kc/export', analysisId: 'a1', format: 'csv', content: 'a,b\n1,2\n', suggestedName: 'm.csv' },
    {
      type: 'kc/export',
      analysisId: 'a1',
      format: 'png',
      dataUrl: 'data:image/png;base64,iVBORw0KGgo=',
      suggestedName: 'h.png',
    },
  ];
  for (const m of good) {
    const r = parseWebviewMessage(m);
    assert.equal(r.ok, true, JSON.stringify(m));
  }
});

test('drops unknown fields so the host acts only on what it validated', () => {
  const r = parseWebviewMessage({ type: 'kc/openPair', analysisId: 'a1', focus, path: '/etc/passwd' });
  assert.deepEqual(r, { ok: true, message: { type: 'kc/openPair', analysisId: 'a1', focus } });
});

test('rejects malformed or hostile webview messages with a reason', () => {
  const bad: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    ['kc/ready', /not an object/],
    [{ type: 'kc/deleteEverything' }, /unknown message type/],
    [{ type: 'kc/openPair', analysisId: 'a1', focus: { layerA: 'x', layerB: 'y', direction: 'sideways' } }, /focus/],
    // The panel reveals models from its editor title menu; the webview has no such message.
    [{ type: 'kc/revealModel', analysisId: 'a1', which: 'a' }, /unknown message type/],
    [{ type: 'kc/export', analysisId: 'a1', format: 'csv', content: '', suggestedName: '../../.bashrc' }, /file name/],
    // JSON, Markdown and HTML the host writes from the report: the webview exports only what it draws.
    [{ type: 'kc/export', analysisId: 'a1', format: 'json', suggestedName: 'report.json' }, /format/],
    [
      { type: 'kc/export', analysisId: 'a1', format: 'png', dataUrl: 'javascript:alert(1)', suggestedName: 'a.png' },
      /PNG data URL/,
    ],
    [{ type: 'kc/export', analysisId: 'a1', format: 'csv', content: 42, suggestedName: 'a.csv' }, /CSV/],
    [{ type: 'kc/export', analysisId: 'a1', format: 'exe', suggestedName: 'a.exe' }, /format/],
    [{ type: 'kc/openPair', focus }, /analysisId/],
  ];
  for (const [m, reason] of bad) {
    const r = parseWebviewMessage(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    if (!r.ok) assert.match(r.error, reason);
  }
});

test('recognises host messages by type only', () => {
  assert.equal(isHostMessage({ type: 'kc/pairResult', analysisId: 'a', pair: {} }), true);
  assert.equal(isHostMessage({ type: 'kc/ready' }), false);
  assert.equal(isHostMessage(undefined), false);
});

test('the help request carries nothing but its type', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'kc/openHelp', command: 'workbench.action.terminal.new' }), {
    ok: true,
    message: { type: 'kc/openHelp' },
  });
});
