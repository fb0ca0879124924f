import type { CancelSignal, ProgressSink } from '../cancel';
import { KcError } from '../errors';
import { FeatureStore } from '../features/store';
import type { ModelAdapter } from '../models/types';
import { fitProbe, type ProbeNormalization, type ProbeSource } from '../probes/index';
import type { FeatureTensor } from '../tensor';
import { inputTarget } from './model-ref';

/** One model's features for the selected layers, read back from the on-disk store. */
export interface ExtractedFeatures {
  get(layer: string): FeatureTensor;
  /** How the probe was fitted to this model's input. */
  preprocessing: string;
}

/**
 * Streams the probe (fitted to this model's input) through the model into a FeatureStore under `dir`, then reads
 * the layers back. The store keeps float32 files on disk, so extraction memory does not grow with the probe count.
 */
export async function extractFeatures(
  model: ModelAdapter, side: 'A' | 'B', probe: ProbeSource, normalization: Partial<ProbeNormalization> | undefined,
  layers: string[], dir: string, hooks: { signal?: CancelSignal; onProgress?: ProgressSink },
): Promise<ExtractedFeatures> {
  const fitted = fitProbe(probe, inputTarget(model), normalization);
  const store = new FeatureStore(dir);
  try {
    const stage = `extract ${side}: ${model.ref.name} (${layers.length} layers)`;
    hooks.onProgress?.({ stage, done: 0, total: probe.count });
    await model.extract(fitted.batches(hooks.signal), layers, store, {
      signal: hooks.signal,
      total: probe.count,
      onProgress: (p) => hooks.onProgress?.({ ...p, stage }),
    });
    const features = new Map<string, FeatureTensor>();
    for (const layer of layers) {
      const t = await store.read(layer);
      if (t.shape[0] !== probe.count) {
        throw new KcError(`model ${side} (${model.ref.name}) gave ${t.shape[0]} samples of ${layer} for ${probe.count} probe inputs`, 'internal');
      }
      features.set(layer, t);
    }
    return { get: (layer) => features.get(layer)!, preprocessing: fitted.preprocessing };
  } finally {
    await store.dispose();
  }
}
