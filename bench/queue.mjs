#!/usr/bin/env node
/**
 * The queue's scaling case (`node bench/run.mjs --only queue`): one kc compare of the two sample CNNs, run locally,
 * then with --queue on 1 and on 2 kc worker processes of this machine (a fresh redis-server each time, so no fit is
 * reused). The three alternate, `--repeats` times, so that other processes' load falls on all of them alike. Prints
 * one JSON line: the medians of the coordinator's wall seconds and of its disentangle stage for each, and the ratios.
 *
 *   node bench/queue.mjs [--count 1000] [--epochs N] [--repeats 2]   (default: kc compare's own settings)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'src', 'cli', 'main.ts');
const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    epochs: { type: 'string' },
    repeats: { type: 'string', default: '2' },
  },
});
const models = ['samples/mnist-cnn-seed1/model.onnx', 'samples/mnist-cnn-seed2/model.onnx'].map((m) => join(root, m));

if (spawnSync('redis-server', ['--version']).error) {
  console.log(JSON.stringify({ skipped: 'redis-server is not installed (apt-get install redis-server)' }));
  process.exit(0);
}

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Spawns and resolves once `ready` appears in its output. */
function started(command, args, ready) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d;
      if (output.includes(ready)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });

/** One kc compare, timed from spawn to exit; its report's stage timings. */
function compare(extra, dir) {
  const json = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const epochs = opts.epochs ? ['--epochs', opts.epochs] : [];
  const args = ['--import', 'tsx', main, 'compare', ...models, '--count', opts.count, ...epochs];
  const t = performance.now();
  const r = spawnSync(process.execPath, [...args, '--seed', '1', '--quiet', '--json', json, ...extra], {
    cwd: root,
    encoding: 'utf8',
  });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`kc compare ${extra.join(' ')} failed: ${r.stderr.trim().split('\n').pop()}`);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  return { wallSeconds: wall, disentangleSeconds: report.timings.disentangleSeconds, fits: report.pairs.length };
}

async function queued(workers, dir) {
  const port = await freePort();
  const redis = await started(
    'redis-server',
    ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    'Ready to accept connections',
  );
  const url = `redis://127.0.0.1:${port}`;
  const running = [];
  try {
    for (let i = 0; i < workers; i++)
      running.push(await started(process.execPath, ['--import', 'tsx', main, 'worker', '--redis', url], 'at a time'));
    return compare(['--queue', url, '--cache-dir', dir], dir);
  } finally {
    for (const w of running) await stop(w);
    await stop(redis);
  }
}

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const medians = (runs) => ({
  wallSeconds: median(runs.map((r) => r.wallSeconds)),
  disentangleSeconds: median(runs.map((r) => r.disentangleSeconds)),
  fits: runs[0].fits,
  runs: runs.map((r) => r.wallSeconds),
});

const dir = mkdtempSync(join(tmpdir(), 'kc-bench-queue-'));
try {
  const before = loadavg()[0];
  const runs = { local: [], one: [], two: [] };
  for (let i = 0; i < Number(opts.repeats); i++) {
    runs.local.push(compare([], dir));
    runs.one.push(await queued(1, dir));
    runs.two.push(await queued(2, dir));
  }
  const [local, one, two] = [medians(runs.local), medians(runs.one), medians(runs.two)];
  console.log(
    JSON.stringify({
      count: Number(opts.count),
      ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
      repeats: Number(opts.repeats),
      cores: cpus().length,
      loadavg: [before, loadavg()[0]],
      local,
      oneWorker: one,
      twoWorkers: two,
      /** > 1: two workers were faster than one. */
      speedup: one.wallSeconds / two.wallSeconds,
      disentangleSpeedup: one.disentangleSeconds / two.disentangleSeconds,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
