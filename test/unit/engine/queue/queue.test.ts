/**
 * kc compare --queue with three kc worker processes on a real redis-server: the same report as a local run, a worker
 * killed with SIGKILL mid-fit does not lose the run (BullMQ's stalled-job recovery), a rerun reuses every finished
 * fit, and kc status follows the run while it is in flight and after it finished.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../../../src/protocol/report';
import type { QueueRunStatus } from '../../../../src/protocol/queue-status';
import { connectRedis } from '../../../../src/engine/queue/redis';
import { queueRunStatus } from '../../../../src/engine/queue/status';
import { REDIS_MISSING, startRedis, stopProcess, type RedisServer } from './redis-server';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');
const SMALL = ['--count', '100', '--epochs', '2', '--seed', '7'];

interface Worker {
  child: ChildProcess;
  output: string;
}

/** Fits a worker started ("started <job id> …" lines of its stdout), by job id. */
function started(workers: Worker[]): string[] {
  return workers.flatMap((w) => [...w.output.matchAll(/^started (\S+)/gm)].map((m) => m[1]));
}

function startWorker(url: string): Promise<Worker> {
  // A short lock: a killed worker's fit goes back to the queue within seconds, not the default 30. Not shorter: with
  // 2 s, a machine at load 20 (a CI run beside other jobs) renewed a lock late and a fit ran twice.
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--redis', url, '--stalled-seconds', '5'], {
    cwd: ROOT,
  });
  const worker: Worker = { child, output: '' };
  child.stdout!.on('data', (d) => (worker.output += d));
  child.stderr!.on('data', (d) => (worker.output += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => worker.output.includes('fit(s) at a time') && resolve(worker));
    child.once('exit', (code) => reject(new Error(`kc worker exited with ${code}: ${worker.output}`)));
  });
}

function kc(
  args: string[],
  onStderr?: (text: string) => void,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr?.(stderr);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout })));
}

/** The id a coordinator says on stderr as it publishes its fits. */
const RUN_LINE =
  /^run ([0-9a-f]{8}): follow it from any machine with kc status \1 --queue redis:\/\/127\.0\.0\.1:\d+\/?$/m;

async function readReport(file: string): Promise<Report> {
  return JSON.parse(await readFile(file, 'utf8')) as Report;
}

/** The numbers of each pair, in report order: what a queued run must reproduce. */
function numbers(report: Report) {
  return report.pairs.map((p) => ({
    pair: `${p.layerA} ↔ ${p.layerB} ${p.direction}`,
    values: [p.explained, ...p.orders.map((o) => o.fraction), p.inconsistent.fraction, p.similarity.linearCKA],
    perChannel: p.maps?.perChannel ?? [],
  }));
}

function assertSameNumbers(actual: Report, expected: Report): void {
  const [a, e] = [numbers(actual), numbers(expected)];
  assert.deepEqual(
    a.map((p) => p.pair),
    e.map((p) => p.pair),
  );
  a.forEach((p, i) => {
    [...p.values, ...p.perChannel].forEach((v, k) =>
      assert.ok(Math.abs(v - [...e[i].values, ...e[i].perChannel][k]) < 1e-6, `${p.pair}: value ${k} ${v}`),
    );
  });
}

describe('kc compare --queue on three kc workers', { skip: REDIS_MISSING }, () => {
  let redis: RedisServer;
  let workers: Worker[] = [];
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kc-queue-'));
    redis = await startRedis();
    workers = await Promise.all([startWorker(redis.url), startWorker(redis.url), startWorker(redis.url)]);
  });

  after(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, 'SIGKILL')));
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('gives the pairs and numbers of a local run with the same seed, each fit run once', async () => {
    const [local, queued] = [path.join(dir, 'local.json'), path.join(dir, 'queued.json')];
    const cache = path.join(dir, 'shared');
    const [l, q] = await Promise.all([
      kc(['compare', SEED1, SEED2, ...SMALL, '--json', local]),
      kc(['compare', SEED1, SEED2, ...SMALL, '--queue', redis.url, '--cache-dir', cache, '--json', queued]),
    ]);
    assert.equal(l.code, 0, l.stderr);
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stderr, /\] pair 6\/6 /, 'the bar counts the fits');
    const [expected, actual] = [await readReport(local), await readReport(queued)];
    assert.equal(actual.pairs.length, 6);
    assertSameNumbers(actual, expected);
    assert.deepEqual(actual.matrix, expected.matrix);
    assert.deepEqual(actual.warnings, expected.warnings);
    // The report names the run kc status follows: the id the coordinator printed.
    assert.equal(
      actual.backend.detail?.match(/fits on \d kc worker\(s\) through the queue, run ([0-9a-f]{8})$/)?.[1],
      q.stderr.match(RUN_LINE)?.[1],
      `${actual.backend.detail}\n${q.stderr}`,
    );
    const ids = started(workers);
    assert.equal(ids.length, 6, workers.map((w) => w.output).join('\n'));
    assert.equal(new Set(ids).size, 6);
    assert.deepEqual(await readdir(cache), [], 'the shared feature folder is removed');

    // The rerun finds every fit finished in Redis: nothing runs again, the numbers are the same.
    const again = path.join(dir, 'again.json');
    const r = await kc(['compare', SEED1, SEED2, ...SMALL, '--queue', redis.url, '--json', again]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(started(workers).length, 6, 'a finished fit was executed twice');
    const rerun = await readReport(again);
    assertSameNumbers(rerun, expected);
    assert.match(rerun.backend.detail ?? '', /6 reused from earlier runs/);
    // The same command is the same run: one id, whoever runs it.
    assert.equal(r.stderr.match(RUN_LINE)?.[1], q.stderr.match(RUN_LINE)?.[1], q.stderr);
  });

  test('--all-pairs fits every layer × layer cell', async () => {
    const grid = path.join(dir, 'grid.json');
    const layers = ['--layers-a', 'pool1,pool2', '--layers-b', 'pool1,pool2', '--direction', 'a2b'];
    const g = await kc([
      'compare',
      SEED1,
      SEED2,
      ...SMALL,
      ...layers,
      '--all-pairs',
      '--queue',
      redis.url,
      '--json',
      grid,
    ]);
    assert.equal(g.code, 0, g.stderr);
    assert.deepEqual(
      (await readReport(grid)).pairs.map((p) => `${p.layerA} ${p.layerB}`),
      ['pool1 pool1', 'pool1 pool2', 'pool2 pool1', 'pool2 pool2'],
    );
  });

  test('kc family --queue gives the fits of a local kc family', async () => {
    const [local, queued] = [path.join(dir, 'family-local.json'), path.join(dir, 'family-queued.json')];
    const family = ['family', SEED1, SEED2, ...SMALL, '--layers', 'pool2,relu3'];
    const ran = started(workers).length;
    const [l, q] = await Promise.all([
      kc([...family, '--json', local]),
      kc([...family, '--queue', redis.url, '--json', queued]),
    ]);
    assert.equal(l.code, 0, l.stderr);
    assert.equal(q.code, 0, q.stderr);
    type Fits = { fits: Array<{ key: string; explained: number; linearCKA: number }> };
    const [expected, actual] = [
      JSON.parse(await readFile(local, 'utf8')) as Fits,
      JSON.parse(await readFile(queued, 'utf8')) as Fits,
    ];
    assert.deepEqual(
      actual.fits.map((f) => f.key),
      expected.fits.map((f) => f.key),
    );
    actual.fits.forEach((f, i) => {
      assert.ok(Math.abs(f.explained - expected.fits[i].explained) < 1e-6, f.key);
      assert.ok(Math.abs(f.linearCKA - expected.fits[i].linearCKA) < 1e-6, f.key);
    });
    assert.equal(started(workers).length - ran, actual.fits.length, 'each fit ran once, on a worker');
  });

  test('a worker killed with SIGKILL mid-fit loses nothing, and kc status follows the run', async () => {
    const out = path.join(dir, 'killed.json');
    const offsets = workers.map((w) => w.output.length);
    const [victim, ...survivors] = workers;
    let victimJob: string | undefined;
    let runId: string | undefined;
    // Longer fits (thorough, 100 epochs: seconds each), so the kill lands inside one.
    const thorough = ['--count', '100', '--preset', 'thorough', '--epochs', '100'];
    const run = kc(
      ['compare', SEED1, SEED2, ...thorough, '--json', out, '--queue', redis.url],
      (stderr) => (runId ??= stderr.match(RUN_LINE)?.[1]),
    );
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        victimJob = victim.output.slice(offsets[0]).match(/^started (\S+)/m)?.[1];
        if (victimJob && runId) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    const following = kc(['status', runId!, '--queue', redis.url, '--follow']);
    // In flight (read in this process, in milliseconds, so the victim is still inside its fit): its fit runs on it.
    const inFlight = (await queueRunStatus(await connectRedis(redis.url), runId!)) as QueueRunStatus;
    await stopProcess(victim.child, 'SIGKILL');
    assert.equal(inFlight.done, false);
    assert.equal(inFlight.fits.length, 6);
    assert.match(inFlight.coordinator ?? '', new RegExp(`^${hostname()}:\\d+$`));
    const victimName = `${hostname()}:${victim.child.pid}`;
    assert.deepEqual(
      inFlight.workers,
      workers.map((w) => `${hostname()}:${w.child.pid}`).sort(),
      'the three workers are connected',
    );
    const victimFit = inFlight.fits.find((f) => f.id === victimJob);
    assert.equal(victimFit?.state, 'running', JSON.stringify(inFlight.fits));
    assert.equal(victimFit?.worker, victimName);
    assert.ok(inFlight.counts.running >= 1 && inFlight.counts.running <= 3, JSON.stringify(inFlight.counts));

    const { code, stderr } = await run;
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(victim.output, new RegExp(`^finished ${victimJob}`, 'm'), 'the kill came too late');
    // The second start of that fit, after its lock expired, on another worker: stalled-job recovery, not a retry.
    const after = survivors.map((w, i) => w.output.slice(offsets[i + 1])).join('\n');
    assert.match(after, new RegExp(`^started ${victimJob} .*\\(run 2\\)$`, 'm'));
    assert.match(after, new RegExp(`^finished ${victimJob} `, 'm'));
    const report = await readReport(out);
    assert.equal(report.pairs.length, 6);
    assert.equal(report.skipped, undefined);

    // Finished: kc status from anywhere says so, with exit code 0; the fit the victim lost was completed elsewhere.
    const text = await kc(['status', runId!, '--queue', redis.url]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^run ${runId} · kc compare mnist-cnn-seed1 mnist-cnn-seed2 · started .* · finished `),
    );
    assert.match(text.stdout, /^fits: 6\/6 done · 0 running · 0 waiting · 0 failed · 2 workers$/m);
    assert.match(text.stdout, /^coordinator: none following the run$/m);
    const json = await kc(['status', runId!, '--queue', redis.url, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const done = JSON.parse(json.stdout) as QueueRunStatus;
    assert.equal(done.done, true);
    assert.equal(done.counts.completed, 6);
    assert.deepEqual(
      done.fits.map((f) => f.label),
      report.pairs.map((p) => `${p.layerA} ↔ ${p.layerB} ${p.direction}`),
    );
    // --follow saw the run in flight (a line per change on stderr) and ended with it, exit 0 and the full status.
    const followed = await following;
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stderr, /^\d\/6 done · [1-3] running · \d waiting · 0 failed · \d workers?$/m);
    assert.match(followed.stdout, /^fits: 6\/6 done · 0 running/m);
    const recovered = done.fits.find((f) => f.id === victimJob);
    assert.notEqual(recovered?.worker, victimName);
    assert.equal(recovered?.state, 'completed');
  });

  test('kc status of an unknown run: one line, exit code 1', async () => {
    const unknown = await kc(['status', '0badc0de', '--queue', redis.url]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^kc: no run 0badc0de on redis:\/\/127\.0\.0\.1:\d+\/? \(unknown, or older than 30 days\)\n$/,
    );
    assert.equal(unknown.stdout, '');
  });
});
