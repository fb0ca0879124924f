/**
 * kc compare --queue: the coordinator of a compare whose disentangler fits run on kc workers elsewhere. It does what
 * runCompare does up to the fits (open, probe, pair, extract once into the shared feature folder, the similarity
 * matrix), then publishes each fit as a queue job, collects the outcomes as workers finish them and assembles the
 * same report a local run writes.
 */
import { rm } from 'node:fs/promises';
import { makeFeatureFolder } from '../features/folder';
import path from 'node:path';
import type { CompareOptions } from '../../protocol/compare';
import { REPORT_SCHEMA_VERSION, type Report, type ReportHeader, type StageTimings } from '../../protocol/report';
import { throwIfCancelled } from '../cancel';
import { DIRECTIONS, pairingWarnings, preprocessing, type CompareHooks } from '../compare';
import { extractFeatures } from '../compare/extract';
import { matrixLayers } from '../compare/matrix-layers';
import { similarityMatrix } from '../compare/matrix';
import { inputTarget, modelRef } from '../compare/model-ref';
import { ProbeImages } from '../compare/probe-images';
import { getTrainingBackend } from '../compute/index';
import { probeSplitSizes, resolveSettings } from '../disentangler/index';
import { KcError } from '../errors';
import { openModel } from '../models/index';
import type { ModelAdapter } from '../models/types';
import { pairLayers } from '../pairing';
import { deadInputWarning, openProbe, probeInputs } from '../probes/index';
import { trialInputRange } from '../probes/range-trial';
import { ProgressTracker } from '../progress';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { backendWarnings, workersBackend } from './backend';
import { collect } from './collect';
import { comparePlan, queuedFits } from './plan';
import { connectRedis } from './redis';
import { runId } from './run-record';

export async function runQueuedCompare(
  options: CompareOptions,
  redis: string,
  hooks: CompareHooks = {},
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

  // Before any heavy work: a wrong URL or a server down is one line now, not after the extraction.
  const connection = await connectRedis(redis);
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
    const b = await openModel(options.modelB, { pytorch: options.pytorch, log });
    models.push(b);
    loaded({ done: 2, total: 2 });
    // Workers read the features from here: on other machines it must be a shared folder at the same path.
    cacheRoot = await makeFeatureFolder(options.cacheDir);
    const layersA = a.layers();
    const layersB = b.layers();
    const probe = await openProbe({ ...options.probe, seed: settings.seed }, inputTarget(a));
    // a model that does not say which pixel range it expects gets a short trial (probes/range-trial.ts)
    for (const [model, layers] of [
      [a, layersA],
      [b, layersB],
    ] as const) {
      const found = await trialInputRange(model, probe, layers, options.probe.normalization, signal);
      if (found) log(found);
    }
    const pairing = pairLayers(layersA, layersB, options.layersA, options.layersB);
    log(`pairing (${pairing.rule}): ${pairing.pairs.map((p) => `${p.layerA} ↔ ${p.layerB}`).join(', ')}`);
    const pinnedOnly = Boolean(options.layersA?.length || options.layersB?.length);
    const rowsA = matrixLayers(layersA, pairing.layersA, 'A', { count: probe.count, pinnedOnly });
    const rowsB = matrixLayers(layersB, pairing.layersB, 'B', { count: probe.count, pinnedOnly });
    const [refA, refB] = await Promise.all([modelRef(a, layersA), modelRef(b, layersB)]);
    const backendPreference = options.backend ?? 'auto';
    const backend = await getTrainingBackend(backendPreference, log);
    const plan = comparePlan(
      pairing.pairs,
      options.allPairs ? { layersA: rowsA.names, layersB: rowsB.names } : undefined,
      directions,
    );
    const header: ReportHeader = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      createdAt: new Date().toISOString(),
      backend: backend.info,
      settings,
      probe: {
        source: probe.source,
        count: probe.count,
        ...probeSplitSizes(probe.count, settings.testFraction, settings.seed),
        warning: probe.warning,
        inputs: probeInputs(
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
    };
    hooks.onStarted?.({ header, plan });
    timings.loadSeconds = done();

    done = stage();
    const fa = await extractFeatures(
      a,
      'A',
      probe,
      options.probe.normalization,
      rowsA.names,
      path.join(cacheRoot, 'a'),
      {
        signal,
        onProgress: progress.extract('A'),
      },
    );
    const fb = await extractFeatures(
      b,
      'B',
      probe,
      options.probe.normalization,
      rowsB.names,
      path.join(cacheRoot, 'b'),
      {
        signal,
        onProgress: progress.extract('B'),
      },
    );
    timings.extractSeconds = done();
    const [inputA, inputB] = header.probe.inputs ?? [];
    const dead = [
      await deadInputWarning('A', layersA, rowsA.names, fa, inputA),
      await deadInputWarning('B', layersB, rowsB.names, fb, inputB),
    ].filter((w): w is string => w !== undefined);

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
    hooks.onMatrix?.(matrix);
    timings.similaritySeconds = done();

    done = stage();
    if (!refA.sha256 || !refB.sha256)
      throw new KcError('a model has no content hash: its fits cannot be keyed', 'internal');
    const fits = queuedFits(
      plan,
      { a: fa, b: fb },
      { models: [refA.sha256, refB.sha256], probe: options.probe, settings, backend: backendPreference },
    );
    const images = { A: new ProbeImages(probe, inputTarget(a)), B: new ProbeImages(probe, inputTarget(b)) };
    const collected = await collect(fits, connection, images, hooks, progress, {
      command: 'compare',
      models: [refA.name, refB.name],
    });
    timings.disentangleSeconds = done();
    timings.totalSeconds = (performance.now() - started) / 1000;

    // In plan order, as a local run lists them, whatever order the workers finished in.
    const pairs = fits.flatMap((f) => collected.pairs.get(f.id) ?? []);
    const skipped = fits.flatMap((f) => collected.skipped.get(f.id) ?? []);
    return {
      ...header,
      backend: workersBackend(collected.outcomes, header.backend, collected.reused, runId(fits.map((f) => f.id))),
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
        ...backendWarnings(collected.outcomes),
        ...new Set(pairs.flatMap((p) => p.warnings ?? [])),
        ...skipped.map((s) => `${s.layerA} ↔ ${s.layerB} ${s.direction} skipped: ${s.reason}`),
      ],
    };
  } finally {
    await Promise.allSettled(models.map((m) => m.dispose()));
    if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
  }
}
