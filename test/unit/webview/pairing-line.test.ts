/** The panel says how the layer pairs were chosen, and warns of pairs whose sizes differ more than 2×. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairingLine, pairNote } from '../../../webview/model/pairing-line';
import type { PairingInfo } from '../../../src/protocol/report';

const pairing: PairingInfo = {
  rule: 'same-name',
  pairs: [
    { layerA: 'stem', layerB: 'stem', by: 'name', scaleRatio: 1 },
    { layerA: 'block', layerB: 'early', by: 'depth', scaleRatio: 1 },
    { layerA: 'head', layerB: 'late', by: 'depth', scaleRatio: 8 },
  ],
};

test('the head line counts pairs by rule and the pairs > 2× apart; the tooltip lists each pair', () => {
  const line = pairingLine(pairing)!;
  assert.equal(line.text, 'paired by: name 1 · depth and scale 2 · ⚠ 1 pair > 2× apart in size');
  assert.equal(
    line.title,
    'stem ↔ stem: by name, sizes 1.0× apart\nblock ↔ early: by depth and scale, sizes 1.0× apart\nhead ↔ late: by depth and scale, sizes 8.0× apart',
  );
  assert.equal(pairingLine({ rule: 'relative-depth', pairs: [pairing.pairs[1]] })!.text, 'paired by: depth and scale');
  assert.equal(pairingLine(undefined), undefined, 'reports before Report.pairing show no line');
});

test('the drill-down note: how the pair was made, and what 8× apart means', () => {
  assert.equal(pairNote(pairing, 'stem', 'stem'), 'Paired by name.');
  assert.match(pairNote(pairing, 'head', 'late')!, /^Paired by depth and scale\. ⚠ Their spatial sizes differ 8\.0×/);
  assert.equal(pairNote(pairing, 'x', 'y'), undefined);
  // Pairs the user chose (the wizard, --layers-a/-b) read as such, not "paired by: chosen".
  const chosen: PairingInfo = { rule: 'explicit', pairs: [{ layerA: 'a', layerB: 'b', by: 'explicit' }] };
  assert.equal(pairingLine(chosen)!.text, 'paired by: your choice');
  assert.equal(pairNote(chosen, 'a', 'b'), 'Paired by your choice.');
});
