/** The CLI progress bar: drawn in place on a TTY, silent elsewhere; log lines always printed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressBar } from '../../../src/cli/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 60, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

test('TTY: the bar redraws in place, logs go above it, done() clears it', () => {
  const { stream, writes } = fakeStream(true);
  const bar = createProgressBar(stream);
  bar.update({ stage: 'train a→b A->B', done: 1, total: 4, detail: 'loss 0.5' });
  assert.match(writes.at(-1)!, /^\r\x1b\[2Ktrain a→b A->B \[█{6}░{18}\] 1\/4 loss 0\.5$/);
  bar.update({ stage: 'train a→b A->B', done: 4, total: 4 }); // a stage's end is always drawn
  assert.match(writes.at(-1)!, /\[█{24}\] 4\/4$/);
  bar.log('resampled');
  const [clear, line, redraw] = writes.slice(-3);
  assert.deepEqual([clear, line], ['\r\x1b[2K', 'resampled\n']);
  assert.ok(redraw.startsWith('\r\x1b[2Ktrain a→b A->B ['), redraw);
  bar.update({ stage: 'a very long stage name that does not fit into sixty columns at all', done: 2, total: 2 });
  assert.ok(writes.at(-1)!.length <= 60 + 5 && writes.at(-1)!.endsWith('…'), 'cut to the terminal width');
  bar.done();
  assert.equal(writes.at(-1), '\r\x1b[2K');
});

test('not a TTY: no bar, log lines only', () => {
  const { stream, writes } = fakeStream(false);
  const bar = createProgressBar(stream);
  bar.update({ stage: 's', done: 1, total: 2 });
  bar.log('hello');
  bar.done();
  assert.deepEqual(writes, ['hello\n']);
});
