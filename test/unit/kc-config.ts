import type { KcConfig } from '../../src/extension/config';

/** The extension's settings at their defaults, with the probe given. */
export function defaultConfig(probe: KcConfig['probe']): KcConfig {
  return {
    probe,
    preset: 'fast',
    overrides: {},
    defaultLayers: 'probe-points',
    computeBackend: 'auto',
    cacheLocation: 'workspaceStorage',
    workerMemoryLimitMb: 0,
    memoryBudgetMb: 2048,
    extraModelGlobs: [],
    maxFiles: 10,
  };
}
