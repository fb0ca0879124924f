#!/usr/bin/env node
/**
 * `npm run bench`: our time vs a reference measured in the same run on the same machine, and the ratio.
 * Every measurement runs in its own child process (so peak RSS is per case); ours and the reference alternate,
 * `--repeats` times, and the table shows medians. Writes bench/results.json.
 *
 *   node bench/run.mjs [--only train,cka,extract,presets] [--repeats 3] [--epochs 2] [--batches 4]
 *   node bench/run.mjs --only real [--real-count 500] [--real-pairs faceres:faceres,…] [--real-budget 3m|none]   (published models)
 *   node bench/run.mjs --only queue   (kc compare --queue on 1 and 2 local kc workers: bench/queue.mjs)
 *   node bench/run.mjs --only extract-tfjs [--real-count 64]   (faceres, movenet: TF.js threads vs the main thread)
 *
 * Children are TypeScript run with tsx (a devDependency): the engine is not part of the dist bundles' API.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.KC_PYTHON ?? '/usr/bin/python3';
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string', default: 'train,cka,extract,presets' },
    repeats: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '2' },
    batches: { type: 'string', default: '4' },
    'real-count': { type: 'string', default: '500' },
    'real-budget': { type: 'string', default: '3m' },
    'real-pairs': {
      type: 'string',
      default: 'faceres:faceres,movenet-lightning:movenet-lightning,faceres:movenet-lightning',
    },
  },
});
const only = new Set(opts.only.split(','));
const repeats = Number(opts.repeats);

/** Runs a child that prints one JSON line last; returns it parsed, or { error }. */
function child(command, args, env = {}, timeoutMs = 900_000) {
  const r = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
    env: { ...process.env, ...env },
  });
  const lines = (r.stdout ?? '').trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    const why = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { error: `${command} ${args.join(' ')} failed (exit ${r.status}): ${why}` };
  }
}

/**
 * PyTorch's OpenMP pool spins by default; on shared cores that made it 2–5× slower (measured). ORT runs with
 * spinning off, so the reference gets the same treatment: OMP_WAIT_POLICY=PASSIVE unless the caller set one.
 */
const ompWaitPolicy = process.env.OMP_WAIT_POLICY ?? 'PASSIVE';
const ts = (script, args, env = {}, timeoutMs) =>
  child(process.execPath, ['--import', 'tsx', join('bench', script), ...args], env, timeoutMs);
const py = (script, args) => child(python, [join('bench', script), ...args], { OMP_WAIT_POLICY: ompWaitPolicy });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function torchAvailable() {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: ompWaitPolicy },
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const results = [];
const notes = [];

/** Alternates ours / reference `repeats` times; `metric` picks the seconds out of a child's JSON. */
function compare(name, ours, reference, metric, unit = 's') {
  const o = { runs: [], rss: [], cpu: [] };
  const r = { runs: [], rss: [], cpu: [] };
  let error;
  /** Keeps one child's numbers on its side; false when the child failed. */
  const take = (side, child) => {
    if (child.error) {
      error = child.error;
      return false;
    }
    side.runs.push(metric(child));
    side.rss.push(child.maxRssMB);
    if (child.cpuSecondsPerEpoch !== undefined) side.cpu.push(child.cpuSecondsPerEpoch);
    return true;
  };
  for (let i = 0; i < repeats; i++) {
    const a = ours();
    if (a.skipped) return void notes.push(`${name}: skipped — ${a.skipped}`);
    if (!take(o, a)) break;
    if (reference && !take(r, reference())) break;
  }
  if (error) return void notes.push(`${name}: failed — ${error}`);
  const row = { case: name, unit, ours: median(o.runs), oursRuns: o.runs, oursRssMB: Math.max(...o.rss) };
  // ratio is always a time ratio ours / reference (< 1: we are faster); for a throughput it is reference / ours
  const ratio = unit === 's' ? median(o.runs) / median(r.runs) : median(r.runs) / median(o.runs);
  if (r.runs.length)
    Object.assign(row, {
      reference: median(r.runs),
      referenceRuns: r.runs,
      referenceRssMB: Math.max(...r.rss),
      ratio,
      rssRatio: Math.max(...o.rss) / Math.max(...r.rss),
    });
  // CPU seconds (user + sys) per epoch: less sensitive to other processes than wall time; kept in results.json
  if (o.cpu.length && r.cpu.length)
    Object.assign(row, { oursCpuSeconds: median(o.cpu), referenceCpuSeconds: median(r.cpu) });
  results.push(row);
  printRow(row);
}

function fmt(v, unit) {
  if (v === undefined) return '—';
  return unit === 's' ? `${v.toFixed(3)} s` : `${v.toFixed(1)} ${unit}`;
}

function printRow(row) {
  const cols = [
    row.case.padEnd(44),
    fmt(row.ours, row.unit).padStart(12),
    fmt(row.reference, row.unit).padStart(12),
    (row.ratio === undefined ? '—' : row.ratio.toFixed(2)).padStart(7),
    `${Math.round(row.oursRssMB)}`.padStart(8),
    (row.referenceRssMB === undefined ? '—' : `${Math.round(row.referenceRssMB)}`).padStart(8),
    (row.rssRatio === undefined ? '—' : row.rssRatio.toFixed(2)).padStart(7),
    (row.oursCpuSeconds === undefined ? '' : (row.oursCpuSeconds / row.referenceCpuSeconds).toFixed(2)).padStart(6),
  ];
  console.log(cols.join(' '));
}

const started = new Date();
const torch = torchAvailable();
console.log(
  `bench: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}, node ${process.version}, torch ${torch ?? 'absent'} (OMP_WAIT_POLICY=${ompWaitPolicy}), ${repeats} repeats (medians)`,
);
console.log('ratio = our time / reference time (for img/s: reference throughput / ours); < 1 means we are faster;');
console.log("CPU × = our CPU seconds / the reference's (user + sys), less sensitive than wall time to other processes");
console.log(
  [
    'case'.padEnd(44),
    'ours'.padStart(12),
    'reference'.padStart(12),
    'ratio'.padStart(7),
    'RSS MB'.padStart(8),
    'ref MB'.padStart(8),
    'RSS ×'.padStart(7),
    'CPU ×'.padStart(6),
  ].join(' '),
);

if (only.has('train')) {
  // the issue's three shapes, then two of the sample CNNs' own layer sizes (relu1 28×28×8, relu2 14×14×16)
  const shapes = [
    [64, 14, 128],
    [64, 14, 256],
    [32, 14, 512],
    [64, 28, 8],
    [64, 14, 16],
  ];
  if (!torch)
    notes.push('train: PyTorch reference skipped — python3-torch is not installed (apt-get install python3-torch)');
  for (const [n, hw, c] of shapes) {
    const args = ['--n', `${n}`, '--hw', `${hw}`, '--c', `${c}`, '--batches', opts.batches, '--epochs', opts.epochs];
    compare(
      `train epoch (${n},${hw},${c}) × ${opts.batches} batches vs torch`,
      () => ts('train-epoch.ts', args),
      torch ? () => py('torch_ref.py', [...args, '--threads', '2']) : undefined,
      // median step × batches: robust to load spikes from other processes on a shared machine
      (j) => median(j.stepSeconds) * Number(opts.batches),
    );
  }
  // Per-core efficiency without either runtime's threading (ORT's parallel sections end in a spin-wait that costs
  // CPU when the other core is taken by someone else): both on one thread.
  const args = ['--n', '32', '--hw', '14', '--c', '512', '--batches', opts.batches, '--epochs', opts.epochs];
  compare(
    `train epoch (32,14,512), 1 thread each`,
    () => ts('train-epoch.ts', args, { KC_THREADS: '1' }),
    torch ? () => py('torch_ref.py', [...args, '--threads', '1']) : undefined,
    (j) => median(j.stepSeconds) * Number(opts.batches),
  );
}

if (only.has('cka')) {
  compare(
    'CKA all pairs 50×50 layers, 2000 probes vs numpy',
    () => ts('cka.ts', []),
    () => py('cka_ref.py', []),
    (j) => j.seconds,
  );
}

if (only.has('extract')) {
  const adapter = () => ts('extract.ts', ['--via', 'adapter']);
  // all 12 layers; ours and ORT direct hand out NHWC (the same values), PyTorch keeps its NCHW (see bench/README.md)
  compare(
    'extract wide 12 layers: ours vs ORT (NHWC)',
    adapter,
    () => ts('extract.ts', ['--via', 'ort']),
    (j) => j.imagesPerSecond,
    'img/s',
  );
  if (torch)
    compare(
      'extract wide 12 layers: ours vs torch (NCHW)',
      adapter,
      () => py('extract_ref.py', []),
      (j) => j.imagesPerSecond,
      'img/s',
    );
  else notes.push('extract: PyTorch reference skipped — python3-torch is not installed');
}

if (only.has('extract-tfjs')) {
  // One side of a compare's extraction of the published TF.js models on photo crops (bench/extract.ts --via tfjs):
  // on the extraction threads (one a core) against the main thread alone, as before them (KC_TFJS_THREADS=1).
  const photos = mkdtempSync(join(tmpdir(), 'kc-photos-'));
  const count = opts['real-count'] === '500' ? '64' : opts['real-count'];
  const made = spawnSync(python, ['scripts/photo_probes.py', photos, '--count', count], {
    cwd: root,
    encoding: 'utf8',
  });
  const source = made.status === 0 ? ['--photos', photos] : [];
  if (made.status !== 0)
    notes.push(`extract-tfjs: synthetic probes — no photo crops (${made.stderr.trim().split('\n').pop()})`);
  const idle = [];
  for (const model of ['faceres', 'movenet-lightning']) {
    const args = ['--via', 'tfjs', '--model', model, '--count', count, ...source];
    const runs = { threads: [], main: [] };
    compare(
      `extract ${model} ${count} crops: threads vs main thread`,
      () => {
        const j = ts('extract.ts', args);
        runs.threads.push(j);
        return j;
      },
      () => {
        const j = ts('extract.ts', args, { KC_TFJS_THREADS: '1' });
        runs.main.push(j);
        return j;
      },
      (j) => j.imagesPerSecond,
      'img/s',
    );
    idle.push({ model, ...runs });
  }
  // On a shared machine the wall clock says what the neighbours left us: the idle bound from each thread's CPU too.
  for (const { model, threads, main } of idle) {
    const line = (name, js) =>
      `  ${model} ${name}: ${js.map((j) => (j.error ? 'failed' : `${j.imagesPerSecond.toFixed(2)} img/s (idle ≤ ${j.idleImagesPerSecond.toFixed(2)}), load ${j.loadavg.map((l) => l.toFixed(1)).join('→')}, thread CPU s ${j.threadCpuSeconds.slice(0, 3).join(' ')}`)).join('; ')}`;
    console.log(line('threads', threads));
    console.log(line('main thread', main));
  }
  results.push({ case: 'extract-tfjs runs', runs: idle });
  rmSync(photos, { recursive: true, force: true });
}

if (only.has('presets')) {
  const r = ts('presets.ts', []);
  if (r.error || r.skipped) notes.push(`presets: ${r.skipped ? `skipped — ${r.skipped}` : `failed — ${r.error}`}`);
  else {
    results.push({ case: 'presets', table: r.rows });
    console.log('\nfast vs thorough preset (held-out explained fraction, wall time per pair):');
    console.log(
      [
        'pair'.padEnd(44),
        'fast expl'.padStart(10),
        'fast s'.padStart(8),
        'thor expl'.padStart(10),
        'thor s'.padStart(8),
        'Δexpl'.padStart(7),
        'speed-up'.padStart(9),
      ].join(' '),
    );
    for (const row of r.rows) {
      console.log(
        [
          row.pair.padEnd(44),
          row.fast.explained.toFixed(3).padStart(10),
          row.fast.seconds.toFixed(1).padStart(8),
          row.thorough.explained.toFixed(3).padStart(10),
          row.thorough.seconds.toFixed(1).padStart(8),
          (row.fast.explained - row.thorough.explained).toFixed(3).padStart(7),
          `${(row.thorough.seconds / row.fast.seconds).toFixed(1)}×`.padStart(9),
        ].join(' '),
      );
    }
  }
}

if (only.has('real')) {
  // One run per pair, not `repeats`: a whole compare of a 224×224 model takes minutes. The crops are made once.
  const photos = mkdtempSync(join(tmpdir(), 'kc-photos-'));
  const count = opts['real-count'];
  const made = spawnSync(python, ['scripts/photo_probes.py', photos, '--count', count], {
    cwd: root,
    encoding: 'utf8',
  });
  if (made.status !== 0)
    notes.push(`real: skipped — photo probes: ${(made.stderr || made.stdout).trim().split('\n').pop()}`);
  else {
    console.log(`\npublished models on ${count} photo crops, defaults, every default pair, both directions:`);
    const stages = ['loadSeconds', 'extractSeconds', 'similaritySeconds', 'disentangleSeconds', 'totalSeconds'];
    console.log(
      [
        'pair'.padEnd(36),
        'fits',
        ...['load', 'extract', 'similar.', 'disent.', 'total', 'plan'].map((s) => s.padStart(8)),
        'RSS MB'.padStart(7),
        'lowest',
        'load avg',
      ].join(' '),
    );
    for (const pair of opts['real-pairs'].split(',')) {
      const budget = ['--budget', opts['real-budget']];
      const r = ts('real.ts', ['--pair', pair, '--count', count, '--photos', photos, ...budget], {}, 4 * 3_600_000);
      // A child that could not run says why in `error` or `skipped` (a string); a report's skipped pairs are an array.
      if (r.error || typeof r.skipped === 'string') {
        notes.push(`real ${pair}: ${r.error ? `failed — ${r.error}` : `skipped — ${r.skipped}`}`);
        continue;
      }
      console.log(JSON.stringify({ ...r, fits: undefined }));
      results.push({ case: 'real', ...r });
      const seconds = [...stages.map((k) => r.timings[k]), r.estimateSeconds].map((s) =>
        `${s === undefined ? '—' : s.toFixed(1)}`.padStart(8),
      );
      const lowest = r.lowest === null ? '—' : r.lowest.toFixed(3);
      const load = [...r.loadavg.before.slice(0, 1), ...r.loadavg.after.slice(0, 1)].map((l) => l.toFixed(1));
      console.log(
        [
          `${r.modelA} vs ${r.modelB}`.padEnd(36),
          `${r.fits.length}`.padStart(4),
          ...seconds,
          `${Math.round(r.maxRssMB)}`.padStart(7),
          lowest.padStart(6),
          load.join('→'),
        ].join(' '),
      );
      if (r.budget) console.log(`  ${r.budget.summary}; ${r.budget.sampling}`);
      for (const s of r.skipped) console.log(`  skipped ${s.layerA} ↔ ${s.layerB} ${s.direction}: ${s.reason}`);
    }
  }
  rmSync(photos, { recursive: true, force: true });
}

if (only.has('queue')) {
  // kc compare --queue on this machine: local, 1 kc worker, 2 kc workers (bench/queue.mjs), alternating --repeats
  // times (each is a whole compare: minutes under load).
  const r = child(process.execPath, [join(root, 'bench', 'queue.mjs'), '--repeats', `${repeats}`], {}, 3_600_000);
  if (r.error || r.skipped) notes.push(`queue: ${r.skipped ? `skipped — ${r.skipped}` : `failed — ${r.error}`}`);
  else {
    results.push({ case: 'queue', ...r });
    console.log(
      `\nkc compare seed1 vs seed2, ${r.count} probes, ${r.local.fits} fits, on ${r.cores} cores, medians of ${r.repeats} (wall s; disentangle stage s):`,
    );
    for (const [name, m] of [
      ['local', r.local],
      ['--queue, 1 kc worker', r.oneWorker],
      ['--queue, 2 kc workers', r.twoWorkers],
    ])
      console.log(
        `  ${name.padEnd(24)} ${m.wallSeconds.toFixed(1).padStart(7)} ${m.disentangleSeconds.toFixed(1).padStart(7)}`,
      );
    console.log(
      `  1 worker / 2 workers: ${r.speedup.toFixed(2)}× wall, ${r.disentangleSpeedup.toFixed(2)}× disentangle (load ${r.loadavg.map((l) => l.toFixed(1)).join('→')})`,
    );
  }
}

for (const note of notes) console.log(`note: ${note}`);
const out = join(root, 'bench', 'results.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      started: started.toISOString(),
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      loadavg: loadavg(),
      node: process.version,
      torch: torch ?? null,
      ompWaitPolicy,
      repeats,
      results,
      notes,
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${out}`);
