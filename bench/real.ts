/**
 * Child of bench/run.mjs: one compare of published MobileNet-class TF.js models from @vladmandic/human on natural photo
 * crops (scripts/photo_probes.py, Debian's python3-skimage), every default layer pair, both directions, defaults, as
 * `kc compare` runs it. One pair per process, so the peak RSS (fit threads included) is this pair's. Prints one JSON
 * line: {model A, model B, probes, seconds per stage, explained per fit, lowest, peak RSS, load average, the plan's
 * estimate}.
 *   node --import tsx bench/real.ts [--pair faceres:faceres] [--count 500] [--photos <folder of crops>] [--budget 3m|none]
 * The budget is kc compare's default, 3 minutes; `none` runs every default pair on every probe asked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCompare } from '../src/engine/compare';
import { budgetSeconds, DEFAULT_BUDGET } from '../src/cli/plan-lines';

const { values } = parseArgs({
  options: {
    pair: { type: 'string', default: 'faceres:faceres' },
    count: { type: 'string', default: '500' },
    photos: { type: 'string' },
    budget: { type: 'string', default: DEFAULT_BUDGET },
  },
});
const count = Number(values.count);
const python = process.env.KC_PYTHON ?? '/usr/bin/python3';
const modelFile = (name: string) => `node_modules/@vladmandic/human/models/${name}.json`;

/** Crops made here when the caller passed none; undefined (and a reason printed) when they cannot be made. */
function makePhotos(dir: string): string | undefined {
  const made = spawnSync(python, ['scripts/photo_probes.py', dir, '--count', String(count)], { encoding: 'utf8' });
  if (made.status === 0) return dir;
  console.log(JSON.stringify({ skipped: `photo probes: ${(made.stderr || made.stdout).trim().split('\n').pop()}` }));
  return undefined;
}

async function main(): Promise<void> {
  const [nameA, nameB = nameA] = values.pair.split(':');
  const own = values.photos ? undefined : mkdtempSync(path.join(tmpdir(), 'kc-photos-'));
  try {
    const photos = values.photos ?? makePhotos(own!);
    if (!photos) return;
    const loadBefore = loadavg();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let estimateSeconds: number | undefined;
    // Peak resident memory per stage, sampled: which stage holds the most is where the memory budget is won or lost.
    const stagePeakMB: Record<string, number> = {};
    let phase = 'load';
    const sample = () =>
      (stagePeakMB[phase] = Math.max(stagePeakMB[phase] ?? 0, Math.round(process.memoryUsage().rss / 2 ** 20)));
    const sampler = setInterval(sample, 250);
    const report = await runCompare(
      {
        modelA: modelFile(nameA),
        modelB: modelFile(nameB),
        probe: { source: photos, count },
        budgetSeconds: budgetSeconds(values.budget),
      },
      {
        onStarted: (s) => (estimateSeconds = s.header.plan?.estimate.totalSeconds),
        onProgress: (p) => {
          sample();
          phase = p.phase;
        },
        // the engine's log (memory shares, pairs fitted on fewer samples) on stderr, beside the JSON line
        log: (line) => console.error(line),
      },
    );
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpuBefore);
    const planned = report.plan?.estimate.fits ?? [];
    const fits = report.pairs.map((p) => ({
      pair: `${p.layerA} → ${p.layerB} ${p.direction}`,
      shapeB: p.shapeB?.join('×'),
      explained: p.explained,
      seconds: p.training.seconds,
      // what the cost model expected of this fit (where the estimate misses)
      estimated: planned.find((f) => f.layerA === p.layerA && f.layerB === p.layerB && f.direction === p.direction)
        ?.seconds,
      windows: p.sampling?.train.startsWith('one') ?? false,
    }));
    console.log(
      JSON.stringify({
        modelA: nameA,
        modelB: nameB,
        probes: report.probe.count,
        wallSeconds: (performance.now() - started) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        timings: report.timings,
        estimateSeconds,
        estimate: report.plan?.estimate && { ...report.plan.estimate, fits: undefined },
        budget: report.plan?.budget,
        backend: report.backend.detail,
        fits,
        skipped: report.skipped ?? [],
        lowest: fits.length ? Math.min(...fits.map((f) => f.explained)) : null,
        maxRssMB: process.resourceUsage().maxRSS / 1024,
        stagePeakMB,
        loadavg: { before: loadBefore, after: loadavg() },
      }),
    );
  } finally {
    if (own) rmSync(own, { recursive: true, force: true });
  }
}

void main();
