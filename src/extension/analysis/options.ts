/** What a compare runs with: the settings, overridden by what the user picked for this run. */
import type { CompareOptions } from '../../protocol/compare';
import type { PresetName } from '../../protocol/report';
import type { KcConfig } from '../config';

export interface CompareChoices {
  probe?: { source: string; count?: number };
  preset?: PresetName;
  layersA?: string[];
  layersB?: string[];
}

export function buildCompareOptions(
  config: KcConfig,
  modelA: string,
  modelB: string,
  choices: CompareChoices,
  cacheDir: string,
): CompareOptions {
  return {
    modelA,
    modelB,
    probe: {
      source: choices.probe?.source ?? config.probe.source,
      count: choices.probe?.count ?? config.probe.count,
      ...(config.probe.normalization ? { normalization: config.probe.normalization } : {}),
      ...(config.probe.tokens ? { tokens: config.probe.tokens } : {}),
    },
    ...(choices.layersA ? { layersA: choices.layersA } : {}),
    ...(choices.layersB ? { layersB: choices.layersB } : {}),
    direction: 'both',
    settings: { preset: choices.preset ?? config.preset, ...config.overrides },
    backend: config.computeBackend,
    // With a queue, workers on other machines read the features: they go to the shared folder when one is set.
    cacheDir: config.queue?.cacheDir ?? cacheDir,
    ...(config.queue ? { queue: config.queue.url } : {}),
    memoryBudgetMb: config.memoryBudgetMb,
  };
}
