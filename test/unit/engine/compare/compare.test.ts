import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { listLayers, runCompare } from '../../../../src/engine/compare';
import type { Progress } from '../../../../src/protocol/progress';
import type { CompareStarted } from '../../../../src/protocol/compare';
import { CancelledError } from '../../../../src/engine/cancel';
import { openProbe } from '../../../../src/engine/probes/index';
import { convertChannels, resizeBilinear } from '../../../../src/engine/probes/image';
import type { PairResult, SimilarityMatrix } from '../../../../src/protocol/report';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SEED1 = path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'model.onnx');
const RGB32 = path.join(__dirname, 'fixtures', 'rgb32-cnn.onnx');
/** Small and quick: the point is the plumbing and the self-consistency, not a converged fit. */
const QUICK = { epochs: 8, normalize: 'dataset', seed: 1 } as const;

test('a model compared with itself explains ≥ 0.98 at every probed layer (dataset normalisation)', async () => {
  const progress: Progress[] = [];
  const streamed: PairResult[] = [];
  const matrices: SimilarityMatrix[] = [];
  const started: Array<CompareStarted & { progressBefore: number }> = [];
  const report = await runCompare(
    { modelA: SEED1, modelB: SEED1, probe: { source: 'mnist', count: 200 }, direction: 'a2b', settings: QUICK },
    {
      onStarted: (s) => started.push({ ...s, progressBefore: progress.length }),
      onProgress: (p) => progress.push(p),
      onPairResult: (p) => streamed.push(p),
      onMatrix: (m) => matrices.push(m),
    },
  );
  // kc/started: once, before extraction, with the report's own header and the fits in the order they ran.
  assert.equal(started.length, 1);
  assert.ok(progress.slice(0, started[0].progressBefore).every((p) => p.phase === 'load'));
  assert.deepEqual(started[0].header.models, report.models);
  assert.deepEqual(started[0].header.settings, report.settings);
  assert.deepEqual(
    started[0].plan,
    report.pairs.map(({ layerA, layerB, direction }) => ({ layerA, layerB, direction })),
  );
  const probePoints = (await listLayers(SEED1)).layers.filter((l) => l.probePoint).map((l) => l.name);
  assert.ok(probePoints.length >= 2, `probe points: ${probePoints}`);
  assert.deepEqual(
    report.pairs.map((p) => [p.layerA, p.layerB, p.direction]),
    probePoints.map((n) => [n, n, 'A->B']),
  );
  for (const p of report.pairs) assert.ok(p.explained >= 0.98, `${p.layerA}: explained ${p.explained}`);
  assert.deepEqual(streamed, report.pairs, 'every pair streamed as it finished');
  assert.equal(matrices.length, 1);
  // Progress is data: phases in order, the overall fraction never decreases and ends at 1, each pair named.
  const phases = progress.map((p) => p.phase).filter((ph, i, all) => ph !== all[i - 1]);
  assert.deepEqual(phases, ['load', 'extract', 'similarity', 'disentangle']);
  assert.deepEqual([...new Set(progress.filter((p) => p.phase === 'extract').map((p) => p.model))], ['A', 'B']);
  for (let i = 1; i < progress.length; i++)
    assert.ok(progress[i].overallFraction >= progress[i - 1].overallFraction, `fraction went back at ${i}`);
  assert.equal(progress.at(-1)!.overallFraction, 1);
  const fits = [...new Map(progress.filter((p) => p.pair).map((p) => [p.pair!.index, p.pair!])).values()];
  assert.deepEqual(
    fits.map((f) => [f.index, f.count, f.layerA, f.layerB, f.direction]),
    report.pairs.map((p, i) => [i + 1, report.pairs.length, p.layerA, p.layerB, p.direction]),
  );
  // The matrix covers every feature layer (not input/flatten); CKA of a layer with itself is 1 on its diagonal.
  const m = report.matrix!;
  assert.deepEqual(m.layersA, ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'fc1', 'relu3', 'fc2']);
  assert.deepEqual(m.layersB, m.layersA);
  const n = m.layersA.length;
  // 200 probes: the unbiased CKA (below 512 probes), 1 on the diagonal as well.
  const cka = m.measures.linearCKAUnbiased;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(cka[i * n + i]! - 1) < 1e-4, m.layersA[i]);
  // The report records where everything came from.
  assert.equal(report.probe.source, 'mnist');
  assert.equal(report.probe.count, 200);
  assert.equal(report.probe.train + report.probe.test, 200);
  assert.match(report.probe.preprocessing ?? '', /28×28/);
  assert.equal(report.models!.a.sha256, report.models!.b.sha256);
  assert.match(report.models!.a.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(report.settings.normalize, 'dataset');
  assert.ok(report.backend.name.length > 0);
  for (const k of [
    'loadSeconds',
    'extractSeconds',
    'similaritySeconds',
    'disentangleSeconds',
    'totalSeconds',
  ] as const) {
    assert.ok((report.timings?.[k] ?? -1) >= 0, k);
  }
});

test('models with different input sizes: the probe is fitted to each model, layers pair by relative depth', async () => {
  const report = await runCompare({
    modelA: SEED1,
    modelB: RGB32,
    probe: { source: 'mnist', count: 64 },
    direction: 'both',
    allPairs: true,
    settings: { ...QUICK, epochs: 2 },
  });
  assert.match(report.probe.preprocessing ?? '', /A: .*grayscale 28×28.*; B: .*RGB 32×32/);
  assert.ok(report.warnings.some((w) => /relative depth/.test(w)));
  assert.ok(report.pairs.length >= 2);
  assert.deepEqual(new Set(report.pairs.map((p) => p.direction)), new Set(['A->B', 'B->A']));
  for (const p of report.pairs) assert.ok(Number.isFinite(p.explained));
  const cells = report.matrix!.layersA.length * report.matrix!.layersB.length;
  assert.equal(report.matrix!.measures.ridgeExplained.length, cells);
  assert.equal(report.matrix!.measures.ridgeExplainedBA.length, cells);
  assert.ok(report.matrix!.measures.ridgeExplained.every((v) => v !== null && Number.isFinite(v)));
  // ε maps carry the probe image of their held-out sample, as fed to the explained model: B (RGB 32×32) for A → B,
  // A (MNIST as is) for B → A.
  const mnist = [];
  for await (const s of (
    await openProbe({ source: 'mnist', count: 64 }, { height: 28, width: 28, channels: 1 })
  ).samples())
    mnist.push(s);
  for (const p of report.pairs) {
    const samples = p.maps?.samples ?? [];
    assert.ok(samples.length > 0, `${p.layerA} ${p.direction}: no ε-map samples`);
    for (const s of samples) {
      const raw = mnist[s.index].data;
      const expected =
        p.direction === 'B->A' ? raw : resizeBilinear(convertChannels(raw, 28 * 28, 1, 3, ''), 28, 28, 3, 32, 32);
      const size = p.direction === 'B->A' ? [28, 28, 1] : [32, 32, 3];
      assert.deepEqual([s.image?.height, s.image?.width, s.image?.channels], size);
      s.image!.values.forEach((v, i) =>
        assert.ok(Math.abs(v - Math.min(1, Math.max(0, expected[i]))) <= 5e-4, `sample ${s.index} value ${i}`),
      );
    }
  }
});

test('cancellation stops the job with CancelledError', async () => {
  const controller = new AbortController();
  await assert.rejects(
    runCompare(
      { modelA: SEED1, modelB: SEED1, probe: { source: 'mnist', count: 100 }, settings: QUICK },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'extract' && p.model === 'B') controller.abort();
        },
      },
    ),
    (e: unknown) => e instanceof CancelledError,
  );
});

test('synthetic probes run only when asked and the report says so', async () => {
  const report = await runCompare({
    modelA: SEED1,
    modelB: SEED1,
    probe: { source: 'synthetic', count: 40 },
    layersA: ['pool1'],
    direction: 'a2b',
    settings: { ...QUICK, epochs: 1 },
  });
  assert.equal(report.probe.source, 'synthetic');
  assert.match(report.probe.warning ?? '', /synthetic noise, not real data/);
  assert.equal(report.warnings[0], report.probe.warning);
  assert.deepEqual(
    report.pairs.map((p) => [p.layerA, p.layerB]),
    [['pool1', 'pool1']],
  );
});
