// kc prints model text (layer names, file names, messages that quote them) as text: an escape sequence in a model
// must not clear the user's screen, move the cursor or print a disguised hyperlink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphBuilder } from '../../../src/engine/compute/onnx-builder';
import { kc } from '../kc';
import { tempFolders } from '../temp-folders';

/** Control characters a terminal acts on: C0 but the newline, DEL, C1. */
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const LINK = '\u001b]8;;http://evil.invalid\u0007conv1\u001b]8;;\u0007';
const CLEAR = '\u001b[2J\u001b[H';

const folder = tempFolders('term');

test('kc layers: hostile layer and file names print with U+FFFD in place of each control character', async () => {
  const dir = await folder();
  const graph = new GraphBuilder('hostile');
  const relu = graph.op('Relu', [graph.input('x', ['N', 1, 4, 4])]);
  graph.output(relu, `${LINK}${CLEAR}\r\u009b31mred\u007f`, ['N', 1, 4, 4]);
  const file = path.join(dir, `net${CLEAR}.onnx`);
  await writeFile(file, graph.toBytes());

  // --wide: the full names (the default table shows short names, which drop the scopes before the last '/').
  const run = await kc('layers', file, '--wide');
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, CONTROLS);
  assert.ok(run.stdout.startsWith('net\ufffd[2J\ufffd[H (onnx'), run.stdout);
  assert.match(
    run.stdout,
    /^\ufffd\]8;;http:\/\/evil\.invalid\ufffdconv1\ufffd\]8;;\ufffd\ufffd\[2J\ufffd\[H\ufffd\ufffd31mred\ufffd\s+identity/m,
  );
  // --json keeps the exact name (JSON escapes it).
  const json = await kc('layers', file, '--json');
  assert.ok(
    (JSON.parse(json.stdout) as { layers: Array<{ name: string }> }).layers.some((l) => l.name.startsWith(LINK)),
  );
});

test('kc: an error message quoting a hostile path is one line of text', async () => {
  const run = await kc('layers', path.join(tmpdir(), `missing${CLEAR}\n${LINK}.onnx`));
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, CONTROLS);
  assert.equal(run.stderr.split('\n').length, 2, run.stderr);
  assert.match(run.stderr, /^kc: .*missing\ufffd\[2J\ufffd\[H\ufffd\ufffd\]8;;http/);
});
