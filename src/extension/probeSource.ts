/** The probe settings (source, image normalisation) as the engine needs them. No `vscode` import: unit-tested as is. */
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * `mnist` and `synthetic` stay as they are; `~` is the home folder; a relative path is taken from the workspace folder
 * (the engine worker's working directory is the editor's, not the workspace, so "probes/digits" would miss otherwise).
 */
export function resolveProbeSource(source: string, workspaceFolder: string | undefined, home = homedir()): string {
  const s = source.trim();
  if (s === '') return 'mnist';
  if (s === 'mnist' || s === 'synthetic') return s;
  if (s === '~' || s.startsWith('~/')) return path.join(home, s.slice(1));
  if (path.isAbsolute(s) || workspaceFolder === undefined) return s;
  return path.join(workspaceFolder, s);
}

/** Pixel range and mean/std of image probes; only what the user set (absent = the engine's defaults). */
export interface ProbeNormalizationSetting {
  range?: [number, number];
  mean?: number[];
  std?: number[];
}

/** Only values that differ from the defaults, so analyses cached before these settings keep their keys. */
export function probeNormalization(
  range: number[] | undefined,
  mean: number[] | undefined,
  std: number[] | undefined,
): { normalization?: ProbeNormalizationSetting } {
  const n: ProbeNormalizationSetting = {};
  if (range?.length === 2 && !(range[0] === 0 && range[1] === 1)) n.range = [range[0], range[1]];
  if (mean?.length) n.mean = mean;
  if (std?.length) n.std = std;
  return Object.keys(n).length ? { normalization: n } : {};
}
