// The hover is trusted to run the drill-down command: a layer name, model name, probe or warning from an untrusted
// model or report must show as text and never form a link of its own (a command link least of all).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { markdownLinkPart, markdownText } from '../../../../src/engine/report/escape';
import type { AnalysisRecord } from '../../../../src/extension/contracts';
import { modelConsistency } from '../../../../src/extension/inline/consistency';
import { hoverMarkdown } from '../../../../src/extension/inline/format';
import { HOSTILE_NAMES, hostileName, structure } from '../../engine/report/hostile-names';
import { pair as planted } from '../../webview/fixture';

const COMMAND = 'knowledgeConsistency.inline.openPair';

function hover(layer: string, other: string, extra: string): string {
  const pair = planted(layer, other, 'B->A', 0.4, [0.3, 0.1], { similarity: { linearCKA: 0.9 }, warnings: [extra] });
  const record: AnalysisRecord = {
    id: 'r1',
    modelA: '/m/a.onnx',
    modelB: '/m/b.onnx',
    probe: extra,
    preset: 'fast',
    startedAt: '2026-11-29T17:00:00.000Z',
    status: 'done',
    stale: false,
    report: {
      pairs: [pair],
      probe: { source: extra, count: 10, train: 8, test: 2 },
      models: {
        a: { path: '/m/a.onnx', name: extra, format: 'onnx' },
        b: { path: '/m/b.onnx', name: extra, format: 'onnx' },
      },
    } as AnalysisRecord['report'],
  };
  const model = modelConsistency(record, '/m/a.onnx', () => '?');
  // As openPairUri builds it (source.ts imports vscode, so it cannot load here).
  const uri = `command:${COMMAND}?${markdownLinkPart(JSON.stringify([record.id, model.modelPath, layer]))}`;
  return hoverMarkdown(model.layers.get(layer)!, model, 'current', uri);
}

/** The hover's one link and its arguments; the rest of its Markdown structure with the link's target left out. */
function parse(markdown: string): { args: unknown; rest: string } {
  const links = [...markdown.matchAll(/\]\((command:[^()\s<>]*)\)/g)];
  assert.equal(links.length, 1, markdown);
  const target = links[0][1];
  assert.ok(target.startsWith(`command:${COMMAND}?`), target);
  return {
    args: JSON.parse(decodeURIComponent(target.slice(target.indexOf('?') + 1))),
    rest: structure(markdown.replace(target, 'URI')),
  };
}

test('hover with hostile names: one link, to the drill-down, with the exact layer name; the names are text', () => {
  const plain = parse(hover('relu1', 'r1', 'plain')).rest;
  for (const name of HOSTILE_NAMES) {
    const markdown = hover(name, name, name);
    const { args, rest } = parse(markdown);
    assert.deepEqual(args, ['r1', '/m/a.onnx', name]);
    assert.equal(rest, plain, JSON.stringify(name));
    assert.ok(markdown.includes(markdownText(name)));
    assert.doesNotMatch(markdown, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  }
});

test('hover (property): for random names the structure is that of plain names and the link carries the name', () => {
  const plain = parse(hover('relu1', 'r1', 'plain')).rest;
  fc.assert(
    fc.property(hostileName, hostileName, hostileName, (layer, other, extra) => {
      fc.pre(layer !== other);
      const { args, rest } = parse(hover(layer, other, extra));
      assert.deepEqual(args, ['r1', '/m/a.onnx', layer]);
      assert.equal(rest, plain);
    }),
    { numRuns: 500 },
  );
});
