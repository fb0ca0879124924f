/**
 * The main job: two model files + probe inputs → a consistency report. Opens both models, fits the probe to each,
 * extracts the features of every feature layer (capped) through an on-disk FeatureStore, fills the layer × layer
 * similarity matrix, then runs the disentangler on the default pairs in each asked direction, streaming results as they finish.
 */
import { rm } from 'node:fs/promises';
import { makeFeatureFolder } from './features/folder';
import path from 'node:path';
import { throwIfCancelled, type CancelSignal } from './cancel';
import { ProgressTracker } from './progress';
import { KcError } from './errors';
import { getTrainingBackend } from './compute/index';
import { probeSplitSizes, resolveSettings } from './disentangler/index';
import { localFitRunner, type FitRunner } from './compare/fit-runner';
import { openModel } from './models/index';
import type { ModelAdapter } from './models/types';
import { pairLayers, scaleWarnings, type Pairing } from './pairing';
import { deadInputWarning, openProbe, probeInputs } from './probes/index';
import { trialInputRange } from './probes/range-trial';
import { isTextProbe } from './probes/text';
import { textInputs } from './probes/text-tokens';
import { similarityMatrix } from './compare/matrix';
import { extractFeatures, type ExtractedFeatures, type StoredFeatures } from './compare/extract';
import { matrixLayers, sketchedLayers } from './compare/matrix-layers';
import { SKETCH_WIDTH } from './features/sketch';
import { ProbeImages } from './compare/probe-images';
import { inputTarget, modelRef } from './compare/model-ref';
import { TOOL_NAME, TOOL_VERSION } from './version';
import {
  REPORT_SCHEMA_VERSION,
  type Direction,
  type LayerInfo,
  type ModelRef,
  type Report,
  type ReportHeader,
  type StageTimings,
} from '../protocol/report';
import type { CompareListener, CompareOptions } from '../protocol/compare';
import type { PytorchOptions } from '../protocol/torch-helper';

export type { CompareOptions };

export interface CompareHooks extends CompareListener {
  signal?: CancelSignal;
  log?(message: string): void;
}

export const DIRECTIONS: Record<NonNullable<CompareOptions['direction']>, Direction[]> = {
  a2b: ['A->B'],
  b2a: ['B->A'],
  both: ['A->B', 'B->A'],
};

/**
 * `runner`: where the disentangler fits run — this machine's fit threads by default, a kc worker queue for
 * `kc compare --queue` (queue/compare.ts). Everything before and around the fits is the same.
 */
export async function runCompare(
  options: CompareOptions,
  hooks: CompareHooks = {},
  runner: FitRunner = localFitRunner(options),
): Promise<Report> {
  const { signal } = hooks;
  const progress = new ProgressTracker(hooks.onProgress);
  const log = hooks.log ?? (() => undefined);
  const settings = resolveSettings(options.settings);
  const directions = DIRECTIONS[options.direction ?? 'both'];
  if (!directions) throw new KcError(`direction must be a2b, b2a or both, got "${options.direction}"`);
  const timings: StageTimings = {};
  const started = performance.now();
  const stage = () => {
    const t = performance.now();
    return () => (performance.now() - t) / 1000;
  };

  let done = stage();
  const models: ModelAdapter[] = [];
  let cacheRoot: string | undefined;
  try {
    const loaded = progress.load();
    loaded({ done: 0, total: 2 });
    const a = await openModel(options.modelA, { pytorch: options.pytorch, log });
    models.push(a);
    throwIfCancelled(signal);
    loaded({ done: 1, total: 2 });
    // A model compared with itself is opened, tried and extracted once.
    const same = sameModelFile(options);
    const b = same ? a : await openModel(options.modelB, { pytorch: options.pytorch, log });
    if (!same) models.push(b);
    loaded({ done: 2, total: 2 });
    // Queue workers read the features from here: on other machines it must be a shared folder at the same path.
    cacheRoot = await makeFeatureFolder(options.cacheDir);
    const layersA = a.layers();
    const layersB = b.layers();
    let probe = await openProbe({ ...options.probe, seed: settings.seed }, inputTarget(a));
    // a model that does not say which pixel range it expects gets a short trial (probes/range-trial.ts)
    for (const [model, layers] of same
      ? ([[a, layersA]] as const)
      : ([
          [a, layersA],
          [b, layersB],
        ] as const)) {
      const found = await trialInputRange(model, probe, layers, options.probe.normalization, signal);
      if (found) log(found);
    }
    const pairing = pairLayers(layersA, layersB, options.layersA, options.layersB);
    log(`pairing (${pairing.rule}): ${pairing.pairs.map((p) => `${p.layerA} ↔ ${p.layerB}`).join(', ')}`);
    // The heatmap covers every feature layer; the disentangler's layers are among them. Layers chosen explicitly keep
    // it to those: a look at one pair must not extract every layer of a big model.
    const pinnedOnly = Boolean(options.layersA?.length || options.layersB?.length);
    // Layers only the matrix reads are kept as count sketches, so they no longer bound the matrix's size on disk.
    const sketchWidth = options.allPairs ? undefined : SKETCH_WIDTH;
    const rowsA = matrixLayers(layersA, pairing.layersA, 'A', { count: probe.count, pinnedOnly, sketchWidth });
    const rowsB = matrixLayers(layersB, pairing.layersB, 'B', { count: probe.count, pinnedOnly, sketchWidth });
    const sketch = {
      A: sketchedLayers(rowsA.names, pairing.layersA, layersA, options.allPairs),
      B: sketchedLayers(rowsB.names, pairing.layersB, layersB, options.allPairs),
    };
    const [refA, refB] = await Promise.all([modelRef(a, layersA), modelRef(b, layersB)]);
    const backend = await getTrainingBackend(options.backend ?? 'auto', log);
    // Plan, then run: a warm-up calibrates the cost model (the ETA's base); a budget may choose fewer probes and pairs.
    const planned = await runner.plan({
      models: { A: a, B: b },
      layers: { A: layersA, B: layersB },
      probe,
      options,
      matrix: { A: rowsA.names, B: rowsB.names },
      sketched: sketch,
      sameModel: same,
      pairs: pairing.pairs,
      directions,
      settings,
      backend,
      signal,
      startedAt: started,
    });
    const plan = planned.fits;
    if (planned.probes !== probe.count) {
      probe = await openProbe({ ...options.probe, count: planned.probes, seed: settings.seed }, inputTarget(a));
    }
    if (planned.plan?.budget) log(planned.plan.budget.summary);
    if (planned.plan) progress.plan(planned.plan.estimate);
    const header: ReportHeader = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      createdAt: new Date().toISOString(),
      backend: await runner.headerBackend(backend),
      settings,
      probe: {
        source: probe.source,
        count: probe.count,
        ...probeSplitSizes(probe.count, settings.testFraction, settings.seed),
        warning: probe.warning,
        inputs: isTextProbe(probe)
          ? await textInputs(probe, { A: a, B: b })
          : probeInputs(
              probe,
              [
                { model: 'A', target: inputTarget(a) },
                { model: 'B', target: inputTarget(b) },
              ],
              options.probe.normalization,
            ),
      },
      models: { a: refA, b: refB },
      pairing: pairing.info,
      ...(planned.plan ? { plan: planned.plan } : {}),
    };
    hooks.onStarted?.({ header, plan });
    timings.loadSeconds = done();

    done = stage();
    const extract = (model: ModelAdapter, side: 'A' | 'B', names: string[], sketched: ReadonlySet<string>) =>
      extractFeatures(
        model,
        side,
        probe,
        options.probe.normalization,
        names,
        path.join(cacheRoot!, side.toLowerCase()),
        {
          signal,
          onProgress: progress.extract(side),
          sketch: sketched,
        },
      );
    let fa: StoredFeatures;
    let fb: StoredFeatures;
    if (same) {
      // one extraction serves both sides: every layer either side reads, sketched only where neither fits it
      const names = [...new Set([...rowsA.names, ...rowsB.names])];
      fa = fb = await extract(a, 'A', names, new Set(names.filter((n) => sketch.A.has(n) && sketch.B.has(n))));
      progress.extract('B')({ done: probe.count, total: probe.count });
    } else {
      fa = await extract(a, 'A', rowsA.names, sketch.A);
      fb = await extract(b, 'B', rowsB.names, sketch.B);
    }
    timings.extractSeconds = done();
    // Nothing runs the models after extraction: their memory (wasm heaps, onnxruntime sessions, extraction threads)
    // goes back before the matrix and the fits need theirs.
    await Promise.allSettled(models.splice(0).map((m) => m.dispose()));
    const [inputA, inputB] = header.probe.inputs ?? [];
    const dead = [
      await deadInputWarning('A', layersA, rowsA.names, fa, inputA),
      await deadInputWarning('B', layersB, rowsB.names, fb, inputB),
    ].filter((w): w is string => w !== undefined);
    for (const w of dead) log(w);

    done = stage();
    const matrix = await similarityMatrix(rowsA.names, fa, rowsB.names, fb, {
      ridge: options.allPairs ?? false,
      directions,
      kernel: settings.kernel,
      testFraction: settings.testFraction,
      seed: settings.seed,
      signal,
      onProgress: progress.similarity(),
    });
    const sketched = {
      layersA: rowsA.names.filter((n) => fa.sketched?.(n)),
      layersB: rowsB.names.filter((n) => fb.sketched?.(n)),
    };
    if (sketched.layersA.length || sketched.layersB.length) matrix.sketched = { width: SKETCH_WIDTH, ...sketched };
    hooks.onMatrix?.(matrix);
    timings.similaritySeconds = done();

    done = stage();
    const images = {
      A: new ProbeImages(probe, inputTarget(a), fa.tokensOf),
      B: new ProbeImages(probe, inputTarget(b), fb.tokensOf),
    };
    const fits = await runner.run({
      fits: plan,
      features: { fa, fb },
      settings,
      backend,
      models: { a: refA, b: refB },
      images,
      hooks,
      progress,
    });
    const { pairs, skipped } = fits;
    timings.disentangleSeconds = done();
    timings.totalSeconds = (performance.now() - started) / 1000;

    return {
      ...header,
      ...(fits.backend ? { backend: fits.backend } : {}),
      probe: { ...header.probe, preprocessing: preprocessing(fa, fb) },
      pairs,
      ...(skipped.length ? { skipped } : {}),
      matrix,
      timings,
      warnings: [
        ...(probe.warning ? [probe.warning] : []),
        ...probe.warnings,
        ...dead,
        ...pairingWarnings(pairing, layersA, layersB),
        ...[rowsA.warning, rowsB.warning].filter((w): w is string => w !== undefined),
        ...fits.warnings,
        ...new Set(pairs.flatMap((p) => p.warnings ?? [])),
        ...skipped.map((s) => `${s.layerA} ↔ ${s.layerB} ${s.direction} skipped: ${s.reason}`),
      ],
    };
  } finally {
    await runner.dispose();
    await Promise.allSettled(models.map((m) => m.dispose()));
    if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
  }
}

export { attachProbeImages, PAIR_DATA_ERRORS } from './compare/fits';

/** Both sides name the same file (a model compared with itself), with the same way of opening it. */
function sameModelFile(options: CompareOptions): boolean {
  return path.resolve(options.modelA) === path.resolve(options.modelB);
}

export function preprocessing(fa: ExtractedFeatures, fb: ExtractedFeatures): string {
  return fa.preprocessing === fb.preprocessing ? fa.preprocessing : `A: ${fa.preprocessing}; B: ${fb.preprocessing}`;
}

export function pairingWarnings(pairing: Pairing, layersA: LayerInfo[], layersB: LayerInfo[]): string[] {
  return [...ruleWarnings(pairing, layersA, layersB), ...scaleWarnings(pairing.info, layersA, layersB)];
}

function ruleWarnings(pairing: Pairing, layersA: LayerInfo[], layersB: LayerInfo[]): string[] {
  if (pairing.byDepth) {
    return [
      `${pairing.byDepth.map((p) => `${p.layerA} ↔ ${p.layerB}`).join(', ')}: no same-named probe point at the same place (H×W and relative depth) in the other model, paired by relative depth and spatial scale; choose pairs with --layers-a/--layers-b`,
    ];
  }
  if (pairing.rule !== 'relative-depth') return [];
  return [
    `the models share no layer names at the same place: probe points were paired by relative depth and spatial scale (${layersA.length} vs ${layersB.length} layers); choose pairs with --layers-a/--layers-b`,
  ];
}

/** The layer table of one model file (parses the model; runs nothing but a PyTorch model's one zero batch). */
export async function listLayers(
  modelPath: string,
  pytorch?: PytorchOptions,
): Promise<{ model: ModelRef; layers: LayerInfo[] }> {
  const model = await openModel(modelPath, { pytorch });
  try {
    const layers = model.layers();
    return { model: await modelRef(model, layers), layers };
  } finally {
    await model.dispose();
  }
}
