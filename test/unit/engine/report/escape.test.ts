// Model text (layer and model names, paths, warnings) shown by the Markdown report and the terminal summary: as text,
// never as a link, an image, HTML, a heading, a table cell or a terminal control sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { markdownLinkPart, markdownText, terminalText } from '../../../../src/engine/report/escape';
import { renderMarkdown } from '../../../../src/engine/report/markdown';
import { renderSummary } from '../../../../src/engine/report/text';
import {
  HOSTILE_NAMES,
  hostileName,
  namer,
  reportNamed,
  structure,
  TERMINAL_CONTROLS,
  unescaped,
} from './hostile-names';

const SGR = /\x1b\[[0-9;]*m/g;

const benign = () => namer(Array.from({ length: 20 }, (_, i) => `n${i}`));

test('markdownText: links, command links, images, HTML, headings and control sequences come out as escaped text', () => {
  const cases: Array<[string, string]> = [
    ['[x](javascript:alert(1))', '\\[x\\]\\(javascript:alert\\(1\\)\\)'],
    ['](command:workbench.action.terminal.new)', '\\]\\(command:workbench.action.terminal.new\\)'],
    ['<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert\\(1\\)\\>'],
    ['conv1\n# title', 'conv1\ufffd\\# title'],
    ['\u001b]8;;http://evil\u0007', '\ufffd\\]8;;http://evil\ufffd'],
    ['a|b `c` $(zap) &amp;', 'a\\|b \\`c\\` \\$\\(zap\\) \\&amp;'],
    ['conv2d_1/Relu:0 ↔ é', 'conv2d\\_1/Relu:0 ↔ é'],
  ];
  for (const [text, escaped] of cases) assert.equal(markdownText(text), escaped);
  for (const name of HOSTILE_NAMES) {
    const out = markdownText(name);
    assert.doesNotMatch(unescaped(out), /[[\]()<>`!#|*_&~$]/, `${JSON.stringify(name)} → ${JSON.stringify(out)}`);
    assert.doesNotMatch(out, TERMINAL_CONTROLS);
    assert.doesNotMatch(out, /\n/);
  }
});

test('markdownText (property): nothing left unescaped, one line, and dropping the escapes gives the text back', () => {
  fc.assert(
    fc.property(hostileName, (name) => {
      const out = markdownText(name);
      assert.doesNotMatch(unescaped(out), /[[\]()<>`!#|*_&~$\n]/);
      // The escapes hide nothing: only control characters are replaced (by U+FFFD).
      assert.equal(out.replace(/\\([\s\S])/g, '$1'), terminalText(name));
    }),
    { numRuns: 2000 },
  );
});

test('terminalText: ESC, BEL, CR, BS, DEL, C1 and bidi overrides become U+FFFD, one for one; other text is untouched', () => {
  const cases: Array<[string, string]> = [
    ['\u001b[2Jx', '\ufffd[2Jx'],
    ['\u001b]8;;http://evil\u0007link\u001b]8;;\u0007', '\ufffd]8;;http://evil\ufffdlink\ufffd]8;;\ufffd'],
    ['a\rb\bc\u007fd\u009be\u202ef\ng', 'a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg'],
  ];
  for (const [text, shown] of cases) assert.equal(terminalText(text), shown);
  const plain = 'conv2d_1/Relu ↔ é 🙂 [x](y)';
  assert.equal(terminalText(plain), plain);
  fc.assert(
    fc.property(hostileName, (name) => {
      const out = terminalText(name);
      assert.equal(out.length, name.length);
      assert.doesNotMatch(out, TERMINAL_CONTROLS);
      assert.doesNotMatch(out, /\n/);
    }),
  );
});

test('markdownLinkPart: nothing of a name can end a link destination or start another', () => {
  assert.equal(markdownLinkPart('r (1).heatmap.png'), 'r%20%281%29.heatmap.png');
  assert.equal(decodeURIComponent(markdownLinkPart('x)](command:evil)<>\n')), 'x)](command:evil)<>\n');
  fc.assert(fc.property(hostileName, (s) => assert.match(markdownLinkPart(s), /^[A-Za-z0-9%\-_.!~*']*$/)));
});

test('Markdown report with hostile names: the same structure as with plain names, the names shown as text', () => {
  const plain = renderMarkdown(reportNamed(benign(), 'w'), { heatmapPng: 'r.heatmap.png' });
  for (const name of HOSTILE_NAMES) {
    const md = renderMarkdown(reportNamed(namer([name]), name), { heatmapPng: 'r.heatmap.png' });
    assert.equal(structure(md), structure(plain), JSON.stringify(name));
    assert.doesNotMatch(md, TERMINAL_CONTROLS);
    assert.ok(md.includes(markdownText(name)), 'the name is there, escaped');
  }
  const md = renderMarkdown(reportNamed(namer(HOSTILE_NAMES), '<script>alert(1)</script>'), {
    heatmapPng: 'r (1).heatmap.png',
  });
  assert.doesNotMatch(unescaped(md), /\]\((?!r%20%281%29\.heatmap\.png\))/, 'the one link is the heatmap image');
  assert.equal(
    md.split('\n').filter((l) => l.startsWith('#')).length,
    plain.split('\n').filter((l) => l.startsWith('#')).length,
    'no heading from a name',
  );
});

test('Markdown report (property): random names add no link, image, HTML, heading, emphasis, code or cell', () => {
  const plain = structure(renderMarkdown(reportNamed(benign(), 'w'), { heatmapPng: 'r.heatmap.png' }));
  fc.assert(
    fc.property(fc.array(hostileName, { minLength: 1, maxLength: 8 }), hostileName, (names, warning) => {
      assert.equal(
        structure(renderMarkdown(reportNamed(namer(names), warning), { heatmapPng: 'r.heatmap.png' })),
        plain,
      );
    }),
    { numRuns: 300 },
  );
});

test('terminal summary with hostile names: no control sequence but its own colours, no extra line', () => {
  for (const color of [false, true]) {
    const lines = renderSummary(reportNamed(benign(), 'w'), { color }).split('\n').length;
    for (const name of HOSTILE_NAMES) {
      const text = renderSummary(reportNamed(namer([name]), name), { color });
      if (!color) assert.doesNotMatch(text, /\x1b/);
      assert.doesNotMatch(text.replace(SGR, ''), TERMINAL_CONTROLS, JSON.stringify(name));
      // A name may add the "common prefix" line and the key of long column labels, never lines of its own.
      assert.ok(text.split('\n').length <= lines + 2, JSON.stringify(name));
    }
  }
});

test('terminal summary (property): for random names only newlines and its own colour codes reach the terminal', () => {
  fc.assert(
    fc.property(
      fc.array(hostileName, { minLength: 1, maxLength: 8 }),
      hostileName,
      fc.boolean(),
      (names, warning, color) => {
        const text = renderSummary(reportNamed(namer(names), warning), { color });
        if (!color) assert.doesNotMatch(text, /\x1b/);
        assert.doesNotMatch(text.replace(SGR, ''), TERMINAL_CONTROLS);
      },
    ),
    { numRuns: 300 },
  );
});
