/** The probe settings (source, image normalisation) as the engine needs them. No `vscode` import: unit-tested as is. */
import { homedir } from 'node:os';
import path from 'node:path';
import { mnistMisfit } from '../protocol/probe-input';

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

/**
 * Only values that differ from the defaults, so analyses cached before these settings keep their keys. `inputRange`
 * (knowledgeConsistency.inputRange) is an override whatever its value, [0, 1] included: empty means "read it from
 * the model"; the older `range` (probe.range, default [0, 1]) counts only when it is not [0, 1].
 */
export function probeNormalization(
  range: number[] | undefined,
  mean: number[] | undefined,
  std: number[] | undefined,
  inputRange?: number[],
): { normalization?: ProbeNormalizationSetting } {
  const n: ProbeNormalizationSetting = {};
  if (inputRange?.length === 2) n.range = [inputRange[0], inputRange[1]];
  else if (range?.length === 2 && !(range[0] === 0 && range[1] === 1)) n.range = [range[0], range[1]];
  if (mean?.length) n.mean = mean;
  if (std?.length) n.std = std;
  return Object.keys(n).length ? { normalization: n } : {};
}

/** A model as the probe choice sees it: a name for messages, and its input (NHWC without N) once read. */
export interface ProbeModel {
  name: string;
  inputShape(): Promise<number[] | undefined>;
}

export interface ProbeChoiceDeps {
  /** The folder remembered for this workspace, if it still exists. */
  remembered(): Promise<string | undefined>;
  remember(folder: string): Promise<void>;
  /** Asks the user: a folder, 'mnist' to go on with digits, or undefined to cancel. */
  ask(misfit: { name: string; input: string }): Promise<string | undefined>;
}

/**
 * The probe to run with: `source` unless it is the default MNIST and it does not fit one of the models; then the
 * remembered folder, else what the user answers (a folder is remembered). Undefined: the user cancelled.
 */
export async function probeFor(
  source: string,
  models: ProbeModel[],
  deps: ProbeChoiceDeps,
): Promise<string | undefined> {
  if (source !== 'mnist') return source;
  let misfit: { name: string; input: string } | undefined;
  for (const model of models) {
    const shape = await model.inputShape();
    const input =
      shape?.length === 3 ? mnistMisfit({ height: shape[0], width: shape[1], channels: shape[2] }) : undefined;
    if (input) {
      misfit = { name: model.name, input };
      break;
    }
  }
  if (!misfit) return source;
  const remembered = await deps.remembered();
  if (remembered) return remembered;
  const answer = await deps.ask(misfit);
  if (answer && answer !== 'mnist') await deps.remember(answer);
  return answer;
}
