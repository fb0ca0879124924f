/** `kc disentangle` end to end on real .npy files: the table, the Report JSON, and one-line errors on bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../../../src/engine/disentangler/settings';
import { writeNpy } from '../../../../src/engine/features/npy';
import { createRng } from '../../../../src/engine/random';
import type { Report } from '../../../../src/protocol/report';
import { kc } from '../../kc';
import { addNoise, conv, randomWeights, smoothFeatures, toNchw } from './planted';

test('kc disentangle: both directions, NCHW files, table on stdout, Report JSON with every field', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-cli-'));
  const a = smoothFeatures([120, 8, 8, 4], 1);
  const rng = createRng(2);
  const b = addNoise(conv(a, randomWeights(3, 4, 3, rng), 3, 3), 0.25, rng);
  // B at half the resolution: the CLI must resample A (2×2 average pool) and say so.
  const half = { shape: [120, 4, 4, 3] as [number, number, number, number], data: new Float32Array(120 * 16 * 3) };
  for (let n = 0; n < 120; n++)
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++)
        for (let c = 0; c < 3; c++)
          half.data[((n * 4 + (y >> 1)) * 4 + (x >> 1)) * 3 + c] += b.data[((n * 8 + y) * 8 + x) * 3 + c] / 4;
  const [conv1, conv2, out] = ['conv1.npy', 'conv2.npy', 'report.json'].map((f) => path.join(dir, f));
  await writeNpy(conv1, [120, 4, 8, 8], toNchw(a));
  await writeNpy(conv2, [120, 3, 4, 4], toNchw(half));
  const flags = ['--layout', 'nchw', '--direction', 'both', '--epochs', '10'];
  const r = await kc('disentangle', conv1, conv2, ...flags, '--json', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /preset fast .*backend \S+/);
  assert.match(r.stdout, /conv1 ↔ conv2\s+A → B\s+0\.\d{3} \[/);
  assert.match(r.stdout, /conv1 ↔ conv2\s+B → A\s+0\.\d{3} \[/);
  const report = JSON.parse(await readFile(out, 'utf8')) as Report;
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.tool.name, 'knowledge-consistency');
  assert.ok(report.backend.name);
  // --epochs over the fast preset and the defaults, resolved as the engine resolves them.
  assert.deepEqual(report.settings, resolveSettings({ epochs: 10 }));
  assert.equal(report.settings.preset, 'fast');
  assert.deepEqual(
    [report.probe.count, report.probe.train, report.probe.test, report.probe.validation],
    [120, 96, 24, 14],
  );
  assert.deepEqual(
    report.pairs.map((p) => p.direction),
    ['A->B', 'B->A'],
  );
  const [ab, ba] = report.pairs;
  assert.equal(ab.resampled, 'A resampled 8×8 → 4×4 (average pool)');
  assert.equal(ba.resampled, 'B resampled 4×4 → 8×8 (bilinear)');
  assert.deepEqual(
    [ab.shapeA, ab.shapeB],
    [
      [8, 8, 4],
      [4, 4, 3],
    ],
  );
  for (const p of report.pairs) {
    assert.ok(p.explained > -0.05 && p.explained <= 1, `explained ${p.explained}`);
    assert.equal(p.orders.length, 3);
    assert.ok(Math.abs(p.inconsistent.fraction - (1 - p.explained)) < 1e-9);
    assert.ok(p.varianceB > 0 && Number.isFinite(p.similarity.linearCKA));
    assert.equal(p.training.gates.length, 2);
    assert.deepEqual(
      p.training.samples,
      { fit: 82, validation: 14, test: 24 },
      'the validation set comes out of the training split',
    );
    assert.ok(p.training.curve.length === p.training.epochs && p.training.epochs <= 10);
  }
  assert.ok(ab.explained > 0.3, `A explains much of the pooled conv of itself: ${ab.explained}`);
  assert.equal(ab.maps!.perChannel.length, 3);
  assert.equal(ab.maps!.perPosition.values.length, 16);
  assert.equal(ba.maps!.perPosition.values.length, 64);
});

test('kc disentangle: bad input exits non-zero with one line naming the problem', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-cli-'));
  const rng = createRng(3);
  await writeNpy(
    path.join(dir, 'a.npy'),
    [10, 3],
    Float32Array.from({ length: 30 }, () => rng()),
  );
  await writeNpy(
    path.join(dir, 'b.npy'),
    [12, 3],
    Float32Array.from({ length: 36 }, () => rng()),
  );
  const mismatch = await kc('disentangle', path.join(dir, 'a.npy'), path.join(dir, 'b.npy'));
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr.trim(), /^kc: layer A "a" has 10 samples but layer B "b" has 12/);
  assert.equal(
    mismatch.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('kc:')).length,
    1,
  );
  const missing = await kc('disentangle', path.join(dir, 'nope.npy'), path.join(dir, 'b.npy'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /kc: cannot read .*nope\.npy/);
  const badFlag = await kc('disentangle', path.join(dir, 'a.npy'), path.join(dir, 'a.npy'), '--test-fraction', '1.5');
  assert.equal(badFlag.code, 1);
  assert.match(badFlag.stderr, /kc: invalid setting: test fraction/);
});
