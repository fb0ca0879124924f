// Plan, then run: the cost model (shapes → work → seconds at measured rates), the budget planner, the plan-based ETA
// and what kc compare --budget says it chose.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCompare } from '../../../../src/engine/compare';
import { fitBudget, BUDGET_MIN_PROBES } from '../../../../src/engine/compare/budget';
import { estimateCompare } from '../../../../src/engine/compare/estimate';
import {
  estimateCost,
  fitWork,
  trainingRate,
  type CompareShape,
  type CostRates,
} from '../../../../src/engine/compare/cost';
import { resolveSettings } from '../../../../src/engine/disentangler/settings';
import { ProgressTracker } from '../../../../src/engine/progress';
import { parseDuration, type Progress } from '../../../../src/protocol/progress';
import type { LayerInfo, PairKey, Report } from '../../../../src/protocol/report';
import { kc } from '../../kc';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const SEED2 = path.join(ROOT, 'samples', 'mnist-cnn-seed2', 'model.onnx');
const settings = resolveSettings();
const RATES: CostRates = {
  extractSecondsPerSample: { A: 0.3, B: 0.3 },
  trainMacsPerSecond: 20e9,
  stepSeconds: 2e-3,
  fitSeconds: 2,
  source: 'test',
};

const layer = (name: string, shape: number[], depth: number): LayerInfo => ({
  name,
  kind: 'activation',
  shape: [-1, ...shape],
  depth,
  probePoint: true,
});
const key = (layerA: string, direction: PairKey['direction'] = 'A->B'): PairKey => ({
  layerA,
  layerB: layerA,
  direction,
});

test('a fit costs the same on any map larger than its windows, and whole small maps cost by H×W', () => {
  const at = (h: number, c: number) => {
    const l = layer('x', [h, h, c], 1);
    return fitWork(key('x'), { A: l, B: l }, 500, settings, 1024 * 2 ** 20);
  };
  const [big, bigger] = [at(112, 64), at(224, 64)];
  assert.ok(big.windowed && bigger.windowed);
  // Training, held-out losses and the ridge rows do not grow with the map; only the four ε-map samples' tiles do.
  assert.ok(bigger.macs / big.macs < 1.5, `${bigger.macs / big.macs}`);
  const [small, twice] = [at(12, 64), at(24, 64)];
  assert.ok(!small.windowed && !twice.windowed);
  assert.ok(Math.abs(twice.macs / small.macs - 4) < 0.01, `${twice.macs / small.macs}`);
  // Wider layers: channels enter squared (C_A · (K·C_A + C_B)).
  assert.ok(at(12, 128).macs / small.macs > 3.9);
});

test('a budget takes fewer probes first, then fewer layer pairs spread over depth, and says what it chose', () => {
  const layers = [layer('l1', [56, 56, 32], 1), layer('l2', [28, 28, 64], 2), layer('l3', [14, 14, 128], 3)];
  const layers4 = [...layers, layer('l4', [7, 7, 256], 4)];
  const plan = layers4.flatMap((l) => [key(l.name), key(l.name, 'B->A')]);
  const shape: CompareShape = {
    layersA: layers4,
    layersB: layers4,
    matrixA: layers4.map((l) => l.name),
    matrixB: layers4.map((l) => l.name),
    plan,
    settings,
    memoryBytes: 2048 * 2 ** 20,
    lanes: 2,
  };
  const asked = estimateCost(shape, 1000, RATES);
  assert.equal(asked.fits.length, 8);
  assert.ok(asked.extractSeconds > 500, 'extraction dominates at 0.3 s a sample per model');

  const roomy = fitBudget(shape, 1000, RATES, asked.totalSeconds * 1.1);
  assert.equal(roomy.probes, 1000);
  assert.equal(roomy.plan.length, 8);
  assert.ok(roomy.choice.fits);
  assert.match(roomy.choice.summary, /the whole run \(1000 probes, 4 layer pairs\)/);

  const fewerProbes = fitBudget(shape, 1000, RATES, asked.totalSeconds * 0.6);
  assert.ok(fewerProbes.probes < 1000 && fewerProbes.probes >= BUDGET_MIN_PROBES, `${fewerProbes.probes}`);
  assert.equal(fewerProbes.plan.length, 8, 'every pair kept while fewer probes fit');
  assert.ok(fewerProbes.estimate.totalSeconds <= asked.totalSeconds * 0.6);

  const atFloor = estimateCost(shape, BUDGET_MIN_PROBES, RATES);
  const fewerPairs = fitBudget(shape, 1000, RATES, atFloor.totalSeconds * 0.9);
  assert.ok(fewerPairs.plan.length < 8 && fewerPairs.plan.length > 0);
  assert.ok(fewerPairs.choice.fits);
  assert.equal(fewerPairs.choice.dropped.length, 4 - fewerPairs.choice.chosen.pairs);
  // Both directions of every kept pair; the first and the last layer kept when two or more pairs fit.
  for (const k of fewerPairs.plan) assert.ok(fewerPairs.plan.some((o) => o.layerA === k.layerA && o !== k));
  if (fewerPairs.choice.chosen.pairs >= 2) {
    assert.deepEqual(
      [fewerPairs.plan[0].layerA, fewerPairs.plan.at(-1)!.layerA],
      ['l1', 'l4'],
      'kept pairs span the depth',
    );
  }
  assert.match(fewerPairs.choice.summary, /^budget .*: \d+ of 1000 probes, \d of 4 layer pairs, ≈ /);
  assert.match(fewerPairs.choice.sampling, /of \d+ fits on 24×24 windows of their maps/);

  const hopeless = fitBudget(shape, 1000, RATES, 1);
  assert.equal(hopeless.choice.fits, false);
  assert.equal(hopeless.choice.chosen.pairs, 1);
  assert.equal(hopeless.probes, BUDGET_MIN_PROBES);
  assert.match(hopeless.choice.summary, /over the budget even at its smallest/);
});

test('durations as people write them', () => {
  assert.equal(parseDuration('3m'), 180);
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('1m30s'), 90);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('2.5 min'), 150);
  assert.equal(parseDuration('45'), 45);
  for (const bad of ['', '0', '3x', 'm', '-1m', 'three minutes']) assert.equal(parseDuration(bad), undefined, bad);
});

test('with a plan the ETA starts at the estimate and follows the stages as they run slower than estimated', () => {
  let clock = 0;
  const seen: Progress[] = [];
  const tracker = new ProgressTracker((p) => seen.push(p), { now: () => clock });
  const tick = (s: number) => (clock += s * 1000);
  tracker.plan({
    probes: 100,
    extractSeconds: 20,
    similaritySeconds: 10,
    disentangleSeconds: 30,
    totalSeconds: 60,
    fits: [
      { ...key('a'), seconds: 45, windowed: false },
      { ...key('b'), seconds: 15, windowed: false },
    ],
    calibration: 'test',
  });
  const extractA = tracker.extract('A');
  extractA({ done: 0, total: 100 });
  assert.equal(seen.at(-1)!.etaSeconds, 60, 'before anything ran: the estimate');
  tick(20); // A took twice its 10 s
  extractA({ done: 100, total: 100 });
  tracker.extract('B')({ done: 0, total: 100 });
  // B, the matrix and the fits corrected ×2 by the finished stage: 2 · (10 + 10 + 30).
  assert.equal(seen.at(-1)!.etaSeconds, 100);
  tick(20);
  tracker.extract('B')({ done: 100, total: 100 });
  const similarity = tracker.similarity();
  similarity({ done: 0, total: 1 });
  tick(20);
  similarity({ done: 1, total: 1 });
  const fits = tracker.concurrentPairs();
  const first = fits.start({ index: 1, count: 2, ...key('a') });
  fits.start({ index: 2, count: 2, ...key('b') });
  first({ done: 0, total: 12 });
  const atFits = seen.at(-1)!.etaSeconds!;
  assert.ok(atFits > 55 && atFits <= 60, `${atFits}: the fits' 30 s, corrected ×2 by the finished stages`);
  tick(30);
  fits.finish(1); // the 45-s fit of the two: 3/4 of the stage's work is done
  const late = seen.at(-1)!.etaSeconds!;
  assert.ok(late < atFits / 2, `${late} after ${atFits}: weighted by the fits' estimates`);
});

test('kc compare estimates before the heavy work, within a factor of 2 of what the stages then take', async () => {
  const report = await runCompare({ modelA: SEED1, modelB: SEED2, probe: { source: 'mnist', count: 300 } });
  const estimate = report.plan?.estimate;
  assert.ok(estimate, 'report.plan.estimate');
  assert.equal(estimate.fits.length, report.pairs.length + (report.skipped?.length ?? 0));
  assert.match(estimate.calibration, /^measured: extraction .* samples\/s, training .* GMAC\/s, .* s a fit besides/);
  const t = report.timings!;
  const measured = t.extractSeconds! + t.similaritySeconds! + t.disentangleSeconds!;
  const ratio = estimate.totalSeconds / measured;
  console.log(
    `estimate ${estimate.totalSeconds.toFixed(1)} s (extract ${estimate.extractSeconds.toFixed(1)}, similarity ` +
      `${estimate.similaritySeconds.toFixed(1)}, disentangle ${estimate.disentangleSeconds.toFixed(1)}) vs measured ` +
      `${measured.toFixed(1)} s (${t.extractSeconds!.toFixed(1)}, ${t.similaritySeconds!.toFixed(1)}, ` +
      `${t.disentangleSeconds!.toFixed(1)}): ×${ratio.toFixed(2)}; ${estimate.calibration}`,
  );
  assert.ok(ratio > 0.5 && ratio < 2, `estimate / measured = ${ratio.toFixed(2)}`);
});

test('kc compare --budget runs fewer probes and pairs, and the report and the output say what it chose', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-budget-'));
  try {
    const json = path.join(dir, 'r.json');
    const args = ['--probe', 'mnist', '--count', '400', '--direction', 'a2b', '--json', json];
    const run = await kc('compare', SEED1, SEED2, ...args, '--budget', '1s');
    assert.equal(run.code, 0, run.stderr);
    // One pair at the fewest probes is still above 1 s: the smallest run, said so.
    assert.match(run.stderr, /^budget 1 s: 160 of 400 probes, 1 of 3 layer pairs, ≈ .*over the budget even/m);
    assert.match(run.stderr, /^plan: 1 fit on 160 probes, ≈ .*measured: extraction/m);
    assert.match(run.stdout, /^budget 1 s: 160 of 400 probes/m);
    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    assert.equal(report.probe.count, 160);
    // No pair fits 1 s: the cheapest one runs, the others are named as left out.
    assert.equal(report.pairs.length, 1);
    const kept = report.pairs[0].layerA;
    const dropped = ['pool1', 'pool2', 'relu3'].filter((l) => l !== kept);
    assert.equal(dropped.length, 2, kept);
    assert.match(run.stdout, new RegExp(`left out: ${dropped.map((l) => `${l} ↔ ${l}`).join(', ')}`));
    const budget = report.plan?.budget;
    assert.ok(budget);
    assert.deepEqual(
      [budget.seconds, budget.asked.probes, budget.asked.pairs, budget.chosen.probes, budget.chosen.pairs, budget.fits],
      [1, 400, 3, 160, 1, false],
    );
    assert.deepEqual(
      budget.dropped,
      dropped.map((l) => ({ layerA: l, layerB: l })),
    );
    assert.equal(report.plan?.estimate.probes, 160);

    const bad = await kc('compare', SEED1, SEED2, '--budget', 'soon');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^kc: --budget needs a duration such as 3m, 90s or 1m30s \(or none\), got "soon"\n$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a fit trains at the rate measured for its width: between the narrow and the wide fit, log-linear in its work', () => {
  const rates: CostRates = {
    ...RATES,
    trainMacsPerSecond: 40e9,
    trainRates: { narrow: { perPosition: 1e4, macsPerSecond: 10e9 }, wide: { perPosition: 1e6, macsPerSecond: 40e9 } },
  };
  assert.equal(trainingRate(rates, 1e3), 10e9);
  assert.ok(Math.abs(trainingRate(rates, 1e5) - 20e9) < 1);
  assert.equal(trainingRate(rates, 1e7), 40e9);
  assert.equal(trainingRate(RATES, 1e3), RATES.trainMacsPerSecond);
  // the narrow fit is estimated at its own, lower rate: longer than at the wide one's
  const narrow = (r: CostRates) =>
    estimateCost(
      {
        layersA: [layer('a', [-1, 112, 112, 32], 1)],
        layersB: [layer('a', [-1, 112, 112, 32], 1)],
        matrixA: [],
        matrixB: [],
        plan: [key('a')],
        settings,
        memoryBytes: 2 ** 31,
        lanes: 1,
      },
      160,
      r,
    ).fits[0].seconds;
  assert.ok(narrow(rates) > narrow({ ...RATES, trainMacsPerSecond: 40e9 }));
});

test('fits estimated over a minute run one check fit first, and every fit estimate follows what it measured', async () => {
  // 2000 epochs of the sample pairs: minutes of fits, nothing run but the warm-up
  const estimate = await estimateCompare({
    modelA: SEED1,
    modelB: SEED2,
    probe: { source: 'mnist', count: 1000 },
    settings: { epochs: 2000 },
  });
  const factor = Number(/fits ×(\d+\.\d+) \(a check fit\)$/.exec(estimate.asked.calibration)?.[1]);
  assert.ok(factor >= 0.5 && factor <= 4, `${estimate.asked.calibration}`);
  assert.ok(estimate.asked.disentangleSeconds > 60, `${estimate.asked.disentangleSeconds} s of fits`);
});
