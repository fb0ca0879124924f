/** What a family or drift job runs with: the same settings as a compare (probe, preset and overrides, backend). */
import type { ManyModelOptions } from '../../protocol/family';
import type { KcConfig } from '../config';

export function manyModelOptions(config: KcConfig, cacheDir: string): ManyModelOptions {
  return {
    probe: {
      source: config.probe.source,
      count: config.probe.count,
      ...(config.probe.normalization ? { normalization: config.probe.normalization } : {}),
    },
    settings: { preset: config.preset, ...config.overrides },
    backend: config.computeBackend,
    cacheDir,
  };
}
