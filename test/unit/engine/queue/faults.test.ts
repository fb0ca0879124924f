/**
 * Faults around the queue with a real Redis and a real worker (in this process): a fit that keeps failing is reported
 * as skipped with its error while the others complete, a Redis restarted mid-run (its jobs gone: no persistence)
 * loses nothing — the coordinator publishes the missing fits again and the worker reconnects — and a coordinator
 * stopped mid-run leaves a run that kc status calls stopped (exit code 3), to be finished by the same command.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSettings } from '../../../../src/engine/disentangler/index';
import { FeatureStore } from '../../../../src/engine/features/store';
import { runOnQueue, type QueuedFit } from '../../../../src/engine/queue/dispatch';
import type { FitJobData, FitOutcome } from '../../../../src/engine/queue/fit-job';
import { connectRedis } from '../../../../src/engine/queue/redis';
import { runId } from '../../../../src/engine/queue/run-record';
import { queueRunStatus } from '../../../../src/engine/queue/status';
import { startFitWorker, type FitWorker } from '../../../../src/engine/queue/worker';
import { createRng, randn } from '../../../../src/engine/random';
import { REDIS_MISSING, startRedis, type RedisServer } from './redis-server';

const MAIN = path.join(__dirname, '..', '..', '..', '..', 'src', 'cli', 'main.ts');

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

  test('a coordinator stopped mid-run: kc status says the run is stopped and how to finish it', async () => {
    // One long fit the worker (one at a time) is inside when the coordinator stops; two it never took.
    const fits = [
      fit('faults-stop-long', store.file('y'), 5000),
      fit('faults-stop-1', store.file('y')),
      fit('faults-stop-2', store.file('y')),
    ];
    const stop = new AbortController();
    const running = runOnQueue(await connectRedis(redis.url), fits, {
      signal: stop.signal,
      run: { command: 'compare', models: ['x', 'y'] },
    });
    while (!log.some((l) => l.startsWith('started faults-stop-long'))) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    await assert.rejects(running, /cancelled/);
    const id = runId(fits.map((f) => f.id));
    const status = await queueRunStatus(await connectRedis(redis.url), id);
    assert.ok(status, 'the run was recorded');
    assert.deepEqual(
      status.run.fits.map((f) => f.label),
      ['x ↔ y A->B', 'x ↔ y A->B', 'x ↔ y A->B'],
    );
    assert.equal(status.coordinator, undefined, 'the stopped coordinator removed its key');
    // The fits no worker had taken were withdrawn with the coordinator's feature files; the running one finishes.
    assert.deepEqual(
      status.fits.slice(1).map((f) => f.state),
      ['missing', 'missing'],
    );
    assert.match(status.fits[0].state, /^(running|completed)$/);
    assert.equal(status.stopped, true);
    assert.equal(status.done, false);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'status', id, '--queue', redis.url], {
      encoding: 'utf8',
    });
    assert.equal(cli.status, 3, cli.stderr);
    assert.match(cli.stdout, /^coordinator: none following the run$/m);
    assert.match(
      cli.stdout,
      /^stopped: 2 fits no longer queued and no coordinator to publish them: run the same kc compare command again to finish it/m,
    );
  });
});
