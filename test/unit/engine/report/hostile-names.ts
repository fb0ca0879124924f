/** Names a model file (or a hand-edited report) can carry, aimed at Markdown renderers, VS Code hovers and terminals. */
import fc from 'fast-check';
import type { Report } from '../../../../src/protocol/report';
import { plantedReport } from '../compare/report-fixture';

export const HOSTILE_NAMES = [
  '[x](javascript:alert(1))',
  '](command:workbench.action.terminal.new)',
  '[open](command:knowledgeConsistency.inline.openPair?%5B%22r1%22%5D)',
  '\u001b]8;;http://evil\u0007click me\u001b]8;;\u0007',
  '\u001b[2J\u001b[H',
  'conv1\n# Injected heading\n\n[link](http://evil)',
  '<img src=x onerror=alert(1)>',
  '![pixel](https://evil.invalid/track.png)',
  '`code` *em* _em_ | cell | \\ &amp; ~~gone~~ $(terminal) #1 !',
  'back\rspace\bdel\u007fcsi\u009b31m bidi\u202eevil',
];

/** Characters that make Markdown structure, plus controls and text: what a name made to break a renderer is built from. */
const pieces = fc.constantFrom(
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '!',
  '`',
  '*',
  '_',
  '#',
  '|',
  '\\',
  '&',
  '~',
  '$',
  ':',
  '\n',
  '\r',
  '\t',
  '\u001b',
  '\u0007',
  '\u0000',
  '\u007f',
  '\u009b',
  '\u202e',
  'a',
  'Z',
  '0',
  ' ',
  '/',
  '.',
  'javascript:',
  'command:',
  'http://x',
  '&amp;',
  '<b>',
  '](',
);
export const hostileName = fc.oneof(
  fc.array(pieces, { maxLength: 16 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 24 }),
);

/** Gives each original name one of `names`, in order of first use (the same layer keeps the same name). */
export function namer(names: string[]): (original: string) => string {
  const given = new Map<string, string>();
  return (original) => {
    if (!given.has(original)) given.set(original, names[given.size % names.length]);
    return given.get(original)!;
  };
}

/** The planted report with each distinct layer name, both model names and every warning replaced. */
export function reportNamed(name: (original: string) => string, warning: string): Report {
  const report = plantedReport();
  report.pairs = report.pairs.map((p) => ({ ...p, layerA: name(`A:${p.layerA}`), layerB: name(`B:${p.layerB}`) }));
  report.matrix = {
    ...report.matrix!,
    layersA: report.matrix!.layersA.map((n) => name(`A:${n}`)),
    layersB: report.matrix!.layersB.map((n) => name(`B:${n}`)),
  };
  report.models = {
    a: { ...report.models!.a, name: name('model A'), path: name('path A') },
    b: { ...report.models!.b, name: name('model B'), path: name('path B') },
  };
  report.warnings = [warning];
  report.probe = { ...report.probe, source: name('probe') };
  return report;
}

/** What is left of Markdown once every backslash-escaped character is dropped: only what the renderer interprets. */
export const unescaped = (markdown: string): string => markdown.replace(/\\[\s\S]/g, '');

/** What makes Markdown structure once escapes are dropped: brackets, tags, emphasis, code, headings, cells, lines. */
export const structure = (markdown: string): string => unescaped(markdown).replace(/[^[\]()<>!`*_#|&~$\n]/g, '');

/** Control characters a terminal acts on (everything in C0 but the newline, DEL, C1) and the bidi overrides. */
export const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
