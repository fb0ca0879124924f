/** The `knowledgeConsistency.*` settings, read in one place and typed. */
import * as vscode from 'vscode';
import type { DisentangleSettings, Normalization, PresetName } from '../protocol/report';
import { parseDuration } from '../protocol/progress';
import { probeNormalization, resolveProbeSource, type ProbeNormalizationSetting } from './probeSource';

export type LayerSelection = 'probe-points' | 'all' | 'pick';
export type BackendPreference = 'auto' | 'onnxruntime' | 'tfjs';
export type CacheLocation = 'workspaceStorage' | '.kc';

export interface KcConfig {
  probe: {
    source: string;
    count: number;
    normalization?: ProbeNormalizationSetting;
    tokens?: 'mean' | 'per-token' | 'positions';
  };
  preset: PresetName;
  /** Single values that override the preset (absent = the preset's value). */
  overrides: Partial<Pick<DisentangleSettings, 'orders' | 'alpha' | 'normalize' | 'epochs'>>;
  defaultLayers: LayerSelection;
  computeBackend: BackendPreference;
  cacheLocation: CacheLocation;
  workerMemoryLimitMb: number;
  /** What the disentangler's batches may take (CompareOptions.memoryBudgetMb). */
  memoryBudgetMb: number;
  /** knowledgeConsistency.budget in seconds: a compare estimated above it asks first; undefined (empty) = never ask. */
  budgetSeconds?: number;
  extraModelGlobs: string[];
  maxFiles: number;
  /** knowledgeConsistency.queue.*: run the fits on kc workers (url), reading features from a shared folder. */
  queue?: { url: string; cacheDir?: string };
}

export const SECTION = 'knowledgeConsistency';

export function readConfig(scope?: vscode.ConfigurationScope): KcConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const overrides: KcConfig['overrides'] = {};
  const orders = c.get<number | null>('orders');
  const alpha = c.get<number | null>('alpha');
  const normalize = c.get<Normalization | null>('normalize');
  const epochs = c.get<number | null>('epochs');
  if (typeof orders === 'number') overrides.orders = orders;
  if (typeof alpha === 'number') overrides.alpha = alpha;
  if (normalize) overrides.normalize = normalize;
  if (typeof epochs === 'number') overrides.epochs = epochs;
  return {
    probe: {
      source: resolveProbeSource(c.get<string>('probe.source', 'mnist'), folderOf(scope)),
      count: c.get<number>('probe.count', 1000),
      tokens: c.get<'mean' | 'per-token' | 'positions'>('probe.tokens', 'mean'),
      ...probeNormalization(
        c.get<number[]>('probe.range'),
        c.get<number[]>('probe.mean'),
        c.get<number[]>('probe.std'),
        c.get<number[]>('inputRange'),
      ),
    },
    preset: c.get<PresetName>('preset', 'fast'),
    overrides,
    defaultLayers: c.get<LayerSelection>('defaultLayers', 'probe-points'),
    computeBackend: c.get<BackendPreference>('computeBackend', 'auto'),
    cacheLocation: c.get<CacheLocation>('cacheLocation', 'workspaceStorage'),
    workerMemoryLimitMb: c.get<number>('workerMemoryLimitMb', 4096),
    memoryBudgetMb: c.get<number>('memoryBudgetMb', 2048),
    budgetSeconds: parseDuration(c.get<string>('budget', '3m')),
    extraModelGlobs: c.get<string[]>('extraModelGlobs', []),
    maxFiles: c.get<number>('discovery.maxFiles', 500),
    ...queueConfig(c.get<string>('queue.url', '').trim(), c.get<string>('queue.cacheDir', '').trim()),
  };
}

function queueConfig(url: string, cacheDir: string): Pick<KcConfig, 'queue'> {
  return url ? { queue: { url, ...(cacheDir ? { cacheDir } : {}) } } : {};
}

/** The workspace folder a scope belongs to (else the first one), where a relative probe path starts. */
function folderOf(scope: vscode.ConfigurationScope | undefined): string | undefined {
  const uri = scope instanceof vscode.Uri ? scope : scope && 'uri' in scope ? scope.uri : undefined;
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/** True when a configuration change touches one of these settings (names relative to the section). */
export function affects(event: vscode.ConfigurationChangeEvent, ...names: string[]): boolean {
  return names.some((name) => event.affectsConfiguration(`${SECTION}.${name}`));
}
