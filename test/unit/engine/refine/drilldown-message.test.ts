/** The drill-down's "Refine … with …'s consistent knowledge" button posts kc/refine; the host validates it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebviewMessage } from '../../../../src/protocol/webview.protocol';

test('kc/refine carries the analysis and the pair; anything else is refused', () => {
  const focus = { layerA: 'relu3', layerB: 'relu3', direction: 'A->B' };
  assert.deepEqual(parseWebviewMessage({ type: 'kc/refine', analysisId: 'a1', focus, extra: 1 }), {
    ok: true,
    message: { type: 'kc/refine', analysisId: 'a1', focus },
  });
  const bad = parseWebviewMessage({ type: 'kc/refine', analysisId: 'a1', focus: { layerA: 'relu3' } });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : '', /focus must be/);
  assert.equal(parseWebviewMessage({ type: 'kc/refine', focus }).ok, false);
});
