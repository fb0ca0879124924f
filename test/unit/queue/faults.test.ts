/**
 * Faults around the queue with a real Redis and a real worker (in this process): a fit that keeps failing is reported
 * as skipped with its error while the others complete, and a Redis restarted mid-run (its jobs gone: no persistence)
 * loses nothing — the coordinator publishes the missing fits again and the worker reconnects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../../src/engine/disentangler/index';
import { FeatureStore } from '../../../src/engine/features/store';
import { runOnQueue, type QueuedFit } from '../../../src/engine/queue/dispatch';
import type { FitJobData, FitOutcome } from '../../../src/engine/queue/fit-job';
import { connectRedis } from '../../../src/engine/queue/redis';
import { startFitWorker, type FitWorker } from '../../../src/engine/queue/worker';
import { createRng, randn } from '../../../src/engine/random';
import { REDIS_MISSING, startRedis, type RedisServer } from './redis-server';

const noise = (n: number, c: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * c }, () => randn(rng));
};

describe('queue faults', { skip: REDIS_MISSING }, () => {
  let redis: RedisServer & { port: number };
  let worker: FitWorker;
  let dir: string;
  let store: FeatureStore;
  const log: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kc-queue-faults-'));
    store = new FeatureStore(path.join(dir, 'kc-features-faults', 'a'));
    await store.write('x', [64, 8], noise(64, 8, 1));
    const y = noise(64, 8, 2).map((v, i) => v + 0.5 * noise(64, 8, 1)[i]);
    await store.write('y', [64, 8], y);
    redis = await startRedis();
    worker = await startFitWorker({ redis: redis.url, concurrency: 1, stalledSeconds: 5, log: (l) => log.push(l) });
  });

  after(async () => {
    await worker?.close(true);
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const fit = (id: string, featuresB: FitJobData['featuresB'], epochs = 2): QueuedFit => ({
    id,
    data: {
      layerA: 'x',
      layerB: 'y',
      direction: 'A->B',
      featuresA: store.file('x'),
      featuresB,
      settings: resolveSettings({ epochs, seed: 1, patience: 0 }),
      backend: 'auto',
    },
  });

  test('a fit that fails on the workers is skipped with their error; the others complete', async () => {
    const missing = { ...store.file('y'), file: store.file('y').file.replace(/1\.f32$/, '9.f32') };
    const fits = [fit('faults-good', store.file('y')), fit('faults-missing', missing)];
    const outcomes = await runOnQueue(await connectRedis(redis.url), fits);
    const good = outcomes.get('faults-good');
    assert.ok(good && 'pair' in good, JSON.stringify(good));
    const bad = outcomes.get('faults-missing') as Extract<FitOutcome, { skipped: string }>;
    assert.match(bad.skipped, /^failed on the queue workers after 1 attempt\(s\): .*ENOENT/);
  });

  test('Redis restarted mid-run (its jobs lost): the run resumes and completes', async () => {
    const fits = [fit('faults-restart', store.file('y'), 5000)]; // a few seconds: long enough to restart Redis under it
    const running = runOnQueue(await connectRedis(redis.url), fits);
    // Once the worker has started the fit, Redis goes away and comes back empty on the same port.
    while (!log.some((l) => l.startsWith('started faults-restart'))) await new Promise((r) => setTimeout(r, 50));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1000));
    redis = await startRedis(redis.port);
    const outcomes = await running;
    const outcome = outcomes.get('faults-restart');
    assert.ok(outcome && 'pair' in outcome, JSON.stringify(outcome));
    // The restart lost the job: the coordinator published it again and a worker ran it (again) to the end.
    assert.ok(log.filter((l) => l.startsWith('started faults-restart')).length >= 2, log.join('\n'));
  });
});
