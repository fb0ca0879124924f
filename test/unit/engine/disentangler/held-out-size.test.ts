/**
 * Too few held-out samples get a one-line KcError that says how many there are and what to do, never a report.
 * Before: 5 or 6 dense probe samples (1 held out) and --test-fraction 0.001 on 200 read 0.000 everywhere, exit 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { disentangle, probeSplitSizes, resolveSettings } from '../../../../src/engine/disentangler/index';
import { KcError } from '../../../../src/engine/errors';
import { writeNpy } from '../../../../src/engine/features/npy';
import { createRng } from '../../../../src/engine/random';
import { MIN_TEST_SAMPLES } from '../../../../src/engine/split';
import type { FeatureTensor } from '../../../../src/engine/tensor';
import { addNoise, conv, gaussian, randomWeights } from './planted';

const ROOT = path.resolve(__dirname, '../../../..');

function densePair(n: number): [FeatureTensor, FeatureTensor] {
  const rng = createRng(n);
  const a = gaussian([n, 1, 1, 8], rng);
  return [a, addNoise(conv(a, randomWeights(6, 8, 1, rng), 6, 1), 0.2, rng)];
}

const run = (n: number, testFraction: number) => {
  const [a, b] = densePair(n);
  return disentangle(a, b, resolveSettings({ epochs: 2, testFraction }), {
    layerA: 'a',
    layerB: 'b',
    direction: 'A->B',
  });
};

/** One line that says the sample count, the held-out count and `what` to do. */
const refused = (pattern: RegExp) => (e: unknown) =>
  e instanceof KcError && e.code === 'invalid-input' && pattern.test(e.message) && !e.message.includes('\n');

test('5 or 6 dense samples (1 held out) → KcError with the counts and the probe count that would do', async () => {
  for (const n of [5, 6]) {
    await assert.rejects(
      run(n, 0.2),
      refused(
        new RegExp(`^${n} probe samples, test fraction 0\\.2: 1 held out.*at least 8.*at least 38 probe samples$`),
      ),
    );
  }
});

test('a test fraction that holds out 1 of 200 → KcError naming a test fraction that holds out enough', async () => {
  await assert.rejects(
    run(200, 0.001),
    refused(/^200 probe samples, test fraction 0\.001: 1 held out.*at least 0\.038/),
  );
  assert.equal(probeSplitSizes(200, 0.038, 0).test, MIN_TEST_SAMPLES, 'the suggested fraction is enough');
});

test('the fewest probe samples that hold out 8 are fitted and reported', async () => {
  const r = await run(38, 0.2);
  assert.equal(r.training.samples?.test, MIN_TEST_SAMPLES);
  assert.ok(Number.isFinite(r.explained) && r.explained > 0.3, `explained ${r.explained}`);
});

test('kc compare refuses before extracting anything: probeSplitSizes is its first use of the split', () => {
  assert.throws(() => probeSplitSizes(20, 0.2, 0), refused(/^20 probe samples, test fraction 0\.2: 4 held out/));
});

test('kc disentangle on 6 samples: exit 1 and one line on stderr', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-heldout-'));
  try {
    const [a, b] = densePair(6);
    await writeNpy(path.join(dir, 'a.npy'), [6, 8], a.data);
    await writeNpy(path.join(dir, 'b.npy'), [6, 6], b.data);
    const cli = path.join(ROOT, 'src', 'cli', 'main.ts');
    const args = ['--import', 'tsx', cli, 'disentangle', path.join(dir, 'a.npy'), path.join(dir, 'b.npy')];
    const result = await promisify(execFile)(process.execPath, args, { cwd: ROOT }).then(
      () => assert.fail('kc disentangle succeeded on 6 samples'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^kc: 6 probe samples, test fraction 0\.2: 1 held out.*\n$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
