/** The probe settings (source, image normalisation) as the engine needs them. No `vscode` import: unit-tested as is. */
import { homedir } from 'node:os';
import path from 'node:path';
import { mnistMisfit, TEXT_PROBE } from '../protocol/probe-input';
import type { ModelRef } from '../protocol/report';

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

/** A model as the probe choice sees it: a name for messages, and its input once read (undefined: unreadable). */
export interface ProbeModel {
  name: string;
  input(): Promise<Pick<ModelRef, 'inputShape' | 'sequence'> | undefined>;
}

/** What a probe is made of: images (a folder) for image models, texts (a .txt / .jsonl file) for sequence models. */
export type ProbeKind = 'images' | 'texts';

export interface ProbeChoiceDeps {
  /** The folder or text file remembered for this workspace, if it still exists. */
  remembered(kind: ProbeKind): Promise<string | undefined>;
  remember(kind: ProbeKind, probe: string): Promise<void>;
  /** Asks the user: a folder, 'mnist' to go on with digits, or undefined to cancel. */
  ask(misfit: { name: string; input: string }): Promise<string | undefined>;
  /** Asks the user for a text file to feed the sequence model `name`; undefined to cancel. */
  askTexts(name: string): Promise<string | undefined>;
}

/**
 * The probe to run with: `source` unless it cannot feed the models. A sequence model takes texts: a source that is
 * not a text file gives way to the remembered text file, else the user's choice. An image model that the default
 * MNIST does not fit gets the remembered folder, else the user's answer. What is chosen is remembered; undefined: the
 * user cancelled.
 */
export async function probeFor(
  source: string,
  models: ProbeModel[],
  deps: ProbeChoiceDeps,
): Promise<string | undefined> {
  if (TEXT_PROBE.test(source)) return source;
  let misfit: { name: string; input: string } | undefined;
  for (const model of models) {
    const input = await model.input();
    if (input?.sequence) return chosen('texts', () => deps.askTexts(model.name), deps);
    const shape = input?.inputShape;
    const fits =
      shape?.length === 3 ? mnistMisfit({ height: shape[0], width: shape[1], channels: shape[2] }) : undefined;
    if (fits && !misfit) misfit = { name: model.name, input: fits };
  }
  if (source !== 'mnist' || !misfit) return source;
  const found = misfit;
  return chosen('images', () => deps.ask(found), deps);
}

/** The remembered probe of `kind`, else the user's answer, remembered unless it is MNIST. */
async function chosen(
  kind: ProbeKind,
  ask: () => Promise<string | undefined>,
  deps: ProbeChoiceDeps,
): Promise<string | undefined> {
  const remembered = await deps.remembered(kind);
  if (remembered) return remembered;
  const answer = await ask();
  if (answer && answer !== 'mnist') await deps.remember(kind, answer);
  return answer;
}
