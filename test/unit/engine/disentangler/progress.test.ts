/** The CLI progress bar: drawn in place on a TTY; plain lines per phase or pair (and every 30 s) elsewhere. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressBar } from '../../../../src/cli/progress';
import type { Progress } from '../../../../src/protocol/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 80, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

const pair = (index: number, done: number, overallFraction: number, detail?: string): Progress => ({
  phase: 'disentangle',
  pair: { index, count: 2, layerA: 'a', layerB: 'b', direction: 'A->B' },
  done,
  total: 4,
  overallFraction,
  detail,
});

test('TTY: the bar shows the overall share and redraws in place, logs go above it, done() clears it', () => {
  const { stream, writes } = fakeStream(true);
  const bar = createProgressBar(stream);
  bar.update(pair(1, 1, 0.25, 'loss 0.5'));
  assert.equal(
    writes.at(-1),
    `\r\x1b[2K 25% [${'█'.repeat(6)}${'░'.repeat(18)}] pair 1/2 a ↔ b, A → B · epoch 1/4 · loss 0.5`,
  );
  bar.update(pair(2, 4, 1)); // a stage's end is always drawn
  assert.match(writes.at(-1)!, /100% \[█{24}\] pair 2\/2/);
  bar.log('resampled');
  const [clear, line, redraw] = writes.slice(-3);
  assert.deepEqual([clear, line], ['\r\x1b[2K', 'resampled\n']);
  assert.ok(redraw.startsWith('\r\x1b[2K100% ['), redraw);
  bar.update({ ...pair(2, 4, 1), detail: 'x'.repeat(200) });
  assert.ok(writes.at(-1)!.length <= 80 + 5 && writes.at(-1)!.endsWith('…'), 'cut to the terminal width');
  bar.done();
  assert.equal(writes.at(-1), '\r\x1b[2K');
});

test('not a TTY: a plain line for each new phase or pair, and at most every 30 s within one', () => {
  const { stream, writes } = fakeStream(false);
  let clock = 0;
  const bar = createProgressBar(stream, { now: () => clock });
  bar.update({ phase: 'extract', model: 'A', done: 1, total: 10, overallFraction: 0.04 });
  bar.update({ phase: 'extract', model: 'A', done: 2, total: 10, overallFraction: 0.05 });
  bar.update(pair(1, 1, 0.4, 'loss 0.5'));
  clock += 31_000;
  bar.update({ ...pair(1, 2, 0.5, 'loss 0.4'), etaSeconds: 90 });
  bar.log('hello');
  bar.done();
  assert.deepEqual(writes, [
    '[4% · 0 s] extracting features of A · samples 1/10\n',
    '[40% · 0 s] pair 1/2 a ↔ b, A → B · epoch 1/4 · loss 0.5\n',
    '[50% · 31 s] pair 1/2 a ↔ b, A → B · epoch 2/4 · loss 0.4 · about 1 min 30 s left\n',
    'hello\n',
  ]);
});

test('quiet: no progress at all, log lines still printed', () => {
  const { stream, writes } = fakeStream(false);
  const bar = createProgressBar(stream, { quiet: true });
  bar.update(pair(1, 1, 0.4));
  bar.log('hello');
  assert.deepEqual(writes, ['hello\n']);
});
