/** A fit job as a worker runs it, without Redis: what it reads, what it refuses, what is an outcome. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../../../src/engine/disentangler/index';
import { FeatureStore } from '../../../../src/engine/features/store';
import { runFitJob, type FitJobData } from '../../../../src/engine/queue/fit-job';
import { createRng, randn } from '../../../../src/engine/random';

const settings = resolveSettings({ epochs: 2, seed: 3 });

async function withStore(run: (store: FeatureStore, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-fit-job-'));
  const store = new FeatureStore(path.join(dir, 'kc-features-test', 'a'));
  try {
    await run(store, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function job(a: FitJobData['featuresA'], b: FitJobData['featuresB']): FitJobData {
  return { layerA: 'x', layerB: 'y', direction: 'A->B', featuresA: a, featuresB: b, settings, backend: 'auto' };
}

const noise = (n: number, c: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * c }, () => randn(rng));
};

test('a job may name only kc feature cache files: other paths and symlinks are refused before any read', async () => {
  await withStore(async (store, dir) => {
    await store.write('x', [40, 4], noise(40, 4, 1));
    const real = store.file('x');
    const link = path.join(dir, 'kc-features-test', 'a', '7.f32');
    await symlink('/etc/passwd', link);
    for (const file of ['/etc/passwd', link, `${path.dirname(real.file)}/../../kc-features-test/a/0.f32`, '0.f32']) {
      await assert.rejects(runFitJob(job({ ...real, file }, real), 'test'), /not a kc feature cache file: refused/);
    }
  });
});

test("a worker that cannot see the coordinator's folder says so", async () => {
  await withStore(async (store) => {
    await store.write('x', [40, 4], noise(40, 4, 1));
    const gone = { ...store.file('x'), file: store.file('x').file.replace(/0\.f32$/, '9.f32') };
    await assert.rejects(runFitJob(job(store.file('x'), gone), 'test'), /ENOENT.*--cache-dir.*same path/);
  });
});

test('a layer its data cannot fit is an outcome (skipped), the same on every retry; a good pair is a result', async () => {
  await withStore(async (store) => {
    await store.write('x', [40, 4], noise(40, 4, 1));
    await store.write('y', [40, 4], noise(40, 4, 2));
    await store.write('flat', [40, 4], new Float32Array(160).fill(0.5));
    const skipped = await runFitJob(job(store.file('x'), store.file('flat')), 'test');
    assert.ok('skipped' in skipped, JSON.stringify(skipped));
    assert.match(skipped.skipped, /constant/);
    const fitted = await runFitJob(job(store.file('x'), store.file('y')), 'host:1');
    assert.ok('pair' in fitted);
    assert.equal(fitted.worker, 'host:1');
    assert.equal(fitted.pair.layerA, 'x');
    assert.ok(Number.isFinite(fitted.pair.explained));
  });
});
