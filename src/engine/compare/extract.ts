import type { CancelSignal } from '../cancel';
import type { StepSink } from '../progress';
import { KcError } from '../errors';
import { FeatureStore, type FeatureFile } from '../features/store';
import type { ModelAdapter } from '../models/types';
import { fitProbe, type ProbeNormalization, type ProbeSource } from '../probes/index';
import { checkSameTokens, isTextProbe } from '../probes/text';
import { fitTextProbe } from '../probes/text-tokens';
import type { FeatureTensor } from '../tensor';
import { sketchingSink } from '../features/sketch';
import { inputTarget } from './model-ref';
import type { ProbeInput } from '../../protocol/report';

/** One model's extracted features, kept on disk; layers are read when needed so memory stays bounded. */
/** Bytes of a layer's features in memory (float32). */
export function layerBytes(features: ExtractedFeatures, layer: string): number {
  return 4 * features.shape(layer).reduce((a, b) => a * b, 1);
}

export interface ExtractedFeatures {
  /** `shared`: in a SharedArrayBuffer, for the disentangler's fit threads (compare/fit-pool.ts); `samples`: only these,
   * ascending. */
  read(layer: string, shared?: boolean, samples?: Int32Array): Promise<FeatureTensor>;
  /** A layer's shape, [N, ...per sample], without reading it. */
  shape(layer: string): number[];
  /** How the probe was fitted to this model's input. */
  preprocessing: string;
  /** How it was fed: dtype, pixel range and size, each with its reason (ProbeInfo.inputs). */
  input?: Omit<ProbeInput, 'model'>;
  /** Token positions of a text probe: text i's tokens at the compared positions (TextFit.tokensOf). */
  tokensOf?: (index: number) => string[];
  /** Whether a layer is stored as a count sketch (features/sketch.ts): good for CKA, not for the disentangler. */
  sketched?(layer: string): boolean;
}

/** Features in a FeatureStore folder: a reader in another process (a queue worker) can find each layer's file. */
export interface StoredFeatures extends ExtractedFeatures {
  file(layer: string): FeatureFile;
}

/**
 * Streams the probe (fitted to this model's input) through the model into a FeatureStore under `dir`: extraction
 * memory stays at one batch whatever the probe count and the number of layers. The caller removes `dir`.
 * `sketch`: layers kept only as a count sketch (features/sketch.ts), for the similarity matrix.
 */
export async function extractFeatures(
  model: ModelAdapter,
  /** How messages name the model: 'A' or 'B' in a compare, its number in a family. */
  side: string,
  probe: ProbeSource,
  normalization: Partial<ProbeNormalization> | undefined,
  layers: string[],
  dir: string,
  hooks: { signal?: CancelSignal; onProgress?: StepSink; sketch?: ReadonlySet<string> },
): Promise<StoredFeatures> {
  // texts are tokenised by each model's own tokenizer; per-token features have one sample per real token
  const text = isTextProbe(probe) ? probe : undefined;
  if (model.sequence && !text) {
    throw new KcError(
      `model ${side} (${model.ref.name}) takes token ids: give a text probe (--probe texts.txt, one sample a line, or .jsonl with a "text" field)`,
      'probe',
    );
  }
  const textFit = text ? await fitTextProbe(text, model) : undefined;
  const fitted = textFit ?? fitProbe(probe, inputTarget(model), normalization);
  const samples = text?.tokens === 'per-token' && textFit ? textFit.tokens : probe.count;
  if (text) checkSameTokens(text, model.ref.name, samples);
  const store = new FeatureStore(dir);
  const sketched = new Set<string>();
  store.groups = textFit?.groups;
  try {
    hooks.onProgress?.({ done: 0, total: probe.count });
    const sink = hooks.sketch?.size ? sketchingSink(store, hooks.sketch, sketched) : store;
    await model.extract(fitted.batches(hooks.signal), layers, sink, {
      signal: hooks.signal,
      tokens: text?.tokens,
      total: probe.count,
      onProgress: hooks.onProgress,
    });
    for (const layer of layers) {
      const { count } = store.info(layer);
      if (count !== samples) {
        throw new KcError(
          `model ${side} (${model.ref.name}) gave ${count} samples of ${layer} for ${samples} probe inputs`,
          'internal',
        );
      }
    }
  } catch (error) {
    await store.dispose();
    throw error;
  }
  return {
    read: (layer, shared, samples) => store.read(layer, shared, samples),
    file: (layer) => store.file(layer),
    shape: (layer) => {
      const { count, shape } = store.info(layer);
      return [count, ...shape];
    },
    preprocessing: fitted.preprocessing,
    input: fitted.input,
    tokensOf: textFit?.tokensOf,
    sketched: (layer) => sketched.has(layer),
  };
}
