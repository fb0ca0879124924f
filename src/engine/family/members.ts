/**
 * The shared first half of kc family and kc drift: open every model, choose the layers they share, and extract each
 * model's features of those layers ONCE into an on-disk FeatureStore. The N(N − 1) fits that follow read them from
 * there (a compare per pair would extract each model 2(N − 1) times).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { makeFeatureFolder } from '../features/folder';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { extractFeatures, type ExtractedFeatures, type StoredFeatures } from '../compare/extract';
import { inputTarget, modelRef } from '../compare/model-ref';
import { KcError } from '../errors';
import { getTrainingBackend } from '../compute/index';
import type { TrainingBackend } from '../compute/types';
import { probeSplitSizes } from '../disentangler/index';
import { openModel } from '../models/index';
import type { ModelAdapter } from '../models/types';
import { openProbe } from '../probes/index';
import type { ProbeSource } from '../probes/types';
import type { ProgressTracker } from '../progress';
import type { ManyModelOptions } from '../../protocol/family';
import type { DisentangleSettings, LayerInfo, ModelRef, ProbeInfo } from '../../protocol/report';
import { sharedLayers } from './layers';

export interface Members {
  /** The models as the report lists them (without layer tables). */
  refs: ModelRef[];
  layers: string[];
  /** In a FeatureStore folder under cacheDir, where queue workers can read them; undefined for a model no
   * remaining fit needs (MemberPlan.needed). */
  features: Array<StoredFeatures | undefined>;
  probe: ProbeInfo;
  backend: TrainingBackend;
  warnings: string[];
  timings: { loadSeconds: number; extractSeconds: number };
  /** Deletes the feature cache. */
  dispose(): Promise<void>;
}

/** The members open, before anything is extracted: what the plan of a family or drift run is made from. */
export interface OpenMembers {
  models: ModelAdapter[];
  tables: LayerInfo[][];
  refs: ModelRef[];
  /** The layers every member shares (or --layers). */
  layers: string[];
  probe: ProbeSource;
  backend: TrainingBackend;
}

/** What to extract: the models the remaining fits need, at the planned probe count, of the planned layers. */
export interface MemberPlan {
  needed: ReadonlySet<number>;
  probes: number;
  layers: string[];
}

export interface MemberHooks {
  signal?: CancelSignal;
  progress: ProgressTracker;
  log?: (line: string) => void;
}

/** Opens every model and chooses the layers they share; `use` gets them open and the models are disposed after. */
export async function withOpenMembers<T>(
  paths: readonly string[],
  options: ManyModelOptions,
  settings: DisentangleSettings,
  hooks: MemberHooks,
  use: (open: OpenMembers, dispose: (model: ModelAdapter) => Promise<void>) => Promise<T>,
): Promise<T> {
  const { signal, progress } = hooks;
  const models: ModelAdapter[] = [];
  const open = new Set<ModelAdapter>();
  try {
    const loaded = progress.load();
    for (const file of paths) {
      throwIfCancelled(signal);
      loaded({ done: models.length, total: paths.length });
      const model = await openModel(file, { pytorch: options.pytorch, log: hooks.log });
      models.push(model);
      open.add(model);
    }
    loaded({ done: models.length, total: paths.length });
    const tables = models.map((m) => m.layers());
    const layers = sharedLayers(
      models.map((m, i) => ({ name: m.ref.name, layers: tables[i] })),
      options.layers,
    );
    hooks.log?.(`layers: ${layers.join(', ')}`);
    const probe = await openProbe({ ...options.probe, seed: settings.seed }, inputTarget(models[0]));
    const backend = await getTrainingBackend(options.backend ?? 'auto', hooks.log);
    const refs = await Promise.all(
      models.map(async (m, i) => {
        const { layers: _all, ...ref } = await modelRef(m, tables[i]);
        return ref;
      }),
    );
    return await use({ models, tables, refs, layers, probe, backend }, async (model) => {
      open.delete(model);
      await model.dispose();
    });
  } finally {
    await Promise.allSettled([...open].map((m) => m.dispose()));
  }
}

/**
 * Opens the members, asks `plan` what to extract (it may calibrate on the open models), and extracts each needed
 * model's features of the planned layers once, disposing each model as soon as its features are on disk.
 */
export async function extractMembers(
  paths: readonly string[],
  options: ManyModelOptions,
  settings: DisentangleSettings,
  hooks: MemberHooks,
  plan: (open: OpenMembers) => Promise<MemberPlan>,
): Promise<Members> {
  const started = performance.now();
  return withOpenMembers(paths, options, settings, hooks, async (open, dispose) => {
    const { models, refs, backend } = open;
    const planned = await plan(open);
    const { layers } = planned;
    const probe =
      planned.probes === open.probe.count
        ? open.probe
        : await openProbe({ ...options.probe, count: planned.probes, seed: settings.seed }, inputTarget(models[0]));
    const cacheRoot = await makeFeatureFolder(options.cacheDir);
    try {
      const loadSeconds = (performance.now() - started) / 1000;
      const features: Array<StoredFeatures | undefined> = [];
      for (const [i, model] of models.entries()) {
        if (!planned.needed.has(i)) {
          features.push(undefined);
          continue;
        }
        features.push(
          await extractFeatures(
            model,
            String(i + 1),
            probe,
            options.probe.normalization,
            layers,
            path.join(cacheRoot, String(i)),
            { signal: hooks.signal, onProgress: hooks.progress.extractMember(i, models.length, model.ref.name) },
          ),
        );
        // Its features are on disk: the model's weights are no longer needed while the others run.
        await dispose(model);
      }
      return {
        refs,
        layers,
        features,
        probe: {
          source: probe.source,
          count: probe.count,
          ...probeSplitSizes(probe.count, settings.testFraction, settings.seed),
          preprocessing: preprocessing(features, refs),
          warning: probe.warning,
        },
        backend,
        warnings: [...(probe.warning ? [probe.warning] : []), ...probe.warnings],
        timings: { loadSeconds, extractSeconds: (performance.now() - started) / 1000 - loadSeconds },
        dispose: () => rm(cacheRoot, { recursive: true, force: true }),
      };
    } catch (error) {
      await rm(cacheRoot, { recursive: true, force: true });
      throw error;
    }
  });
}

/** One description when every extracted model saw the probe the same way, else one per model. */
function preprocessing(features: Array<ExtractedFeatures | undefined>, refs: ModelRef[]): string {
  const all = new Set(features.flatMap((f) => (f ? [f.preprocessing] : [])));
  if (all.size <= 1) return [...all][0] ?? 'none extracted (every fit reused)';
  return features.flatMap((f, i) => (f ? [`${refs[i].name}: ${f.preprocessing}`] : [])).join('; ');
}

/** Model i's features; a fit never asks for a model its plan did not mark as needed. */
export function memberFeatures<F>(features: ReadonlyArray<F | undefined>, i: number): F {
  const f = features[i];
  if (!f) throw new KcError(`model ${i + 1}'s features were not extracted`, 'internal');
  return f;
}
