/**
 * kc compare --queue with two kc workers on a real redis-server: the same report as a local run, a worker killed
 * mid-fit does not lose the run (BullMQ's stalled-job recovery), and a rerun reuses every finished fit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../../src/protocol/report';
import { REDIS_MISSING, startRedis, stopProcess, type RedisServer } from './redis-server';

const ROOT = path.join(__dirname, '..', '..', '..');
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

function kc(args: string[], onStderr?: (text: string) => void): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr?.(stderr);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

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

describe('kc compare --queue on two kc workers', { skip: REDIS_MISSING }, () => {
  let redis: RedisServer;
  let workers: Worker[] = [];
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kc-queue-'));
    redis = await startRedis();
    workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
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
    assert.match(actual.backend.detail ?? '', /fits on \d kc worker\(s\) through the queue$/);
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

  test('a worker killed mid-fit loses nothing: its fit is run by the other one', async () => {
    const out = path.join(dir, 'killed.json');
    const offsets = workers.map((w) => w.output.length);
    const [victim, survivor] = workers;
    let victimJob: string | undefined;
    // Longer fits (thorough, 100 epochs: seconds each), so the kill lands inside one.
    const run = kc([
      'compare',
      SEED1,
      SEED2,
      '--count',
      '100',
      '--preset',
      'thorough',
      '--epochs',
      '100',
      '--json',
      out,
      '--queue',
      redis.url,
    ]);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        victimJob = victim.output.slice(offsets[0]).match(/^started (\S+)/m)?.[1];
        if (victimJob) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    await stopProcess(victim.child, 'SIGKILL');
    const { code, stderr } = await run;
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(victim.output, new RegExp(`^finished ${victimJob}`, 'm'), 'the kill came too late');
    // The second start of that fit, after its lock expired: stalled-job recovery, not a retry of a failure.
    assert.match(survivor.output.slice(offsets[1]), new RegExp(`^started ${victimJob} .*\\(run 2\\)$`, 'm'));
    assert.match(survivor.output.slice(offsets[1]), new RegExp(`^finished ${victimJob} `, 'm'));
    const report = await readReport(out);
    assert.equal(report.pairs.length, 6);
    assert.equal(report.skipped, undefined);
  });
});
