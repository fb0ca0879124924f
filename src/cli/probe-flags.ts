/** The probe flags of every command that runs models (kc compare, kc family, kc drift): one definition, one parser. */
import { Option, type Command } from 'commander';
import { KcError } from '../engine/errors';
import { TOKEN_MODES, type TokenMode } from '../engine/models/sequence';
import { checkInputRange, checkInputSize } from '../engine/probes/input';
import type { CompareOptions } from '../protocol/compare';
import { int, num } from './engine-flags';

export interface ProbeFlags {
  probe: string;
  count: string;
  inputRange?: string;
  inputSize?: string;
  /** The name --input-range had before kc read ranges from the models; still accepted. */
  probeRange?: string;
  probeMean?: string;
  probeStd?: string;
  cacheDir?: string;
  tokens?: string;
}

export function addProbeOptions(command: Command): Command {
  return command
    .option(
      '--probe <source>',
      'probe inputs: mnist (test split), an image folder (PNG/JPEG, searched recursively; other files are skipped with a warning), an .npy tensor [N,H,W,C] or [N,C,H,W] used as stored, synthetic (noise; warned), or texts for sequence models: a .txt file (one sample a line) or .jsonl ("text" field), tokenised with the tokenizer.json beside each model',
      'mnist',
    )
    .option('--count <n>', 'number of probe samples', '1000')
    .option(
      '--tokens <mode>',
      "text probes: compare [N,T,C] token features mean-pooled over each text (mean, default), each real token as one sample (per-token), or as 1×L maps of token positions, every text cut to the shortest one's L tokens (positions); padding never counts",
    )
    .option(
      '--input-range <lo,hi>',
      "pixel range fed to both models, e.g. 0,255 or -1,1 (default: what each model's input dtype, first ops or metadata call for, else 0,1)",
    )
    .option(
      '--input-size <H,W>',
      'height and width fed to a model that takes any input size (default: the probe size rounded to a multiple of 32, or 224,224 for a folder of mixed sizes)',
    )
    .addOption(new Option('--probe-range <lo,hi>').hideHelp())
    .option('--probe-mean <m>', 'mean subtracted from image probes, one value or one per channel (comma-separated)')
    .option('--probe-std <s>', 'std dividing image probes, one value or one per channel')
    .option(
      '--cache-dir <dir>',
      'where extracted features are cached while the job runs (default: the system temp folder)',
    );
}

export function probeOptions(f: ProbeFlags): CompareOptions['probe'] {
  if (f.inputRange !== undefined && f.probeRange !== undefined)
    throw new KcError('--probe-range is the old name of --input-range: give one of them');
  const rangeFlag = f.inputRange !== undefined ? '--input-range' : '--probe-range';
  const range = checkInputRange(list(f.inputRange ?? f.probeRange, rangeFlag), rangeFlag);
  const inputSize = checkInputSize(
    f.inputSize?.split(',').map((v) => int(v.trim(), '--input-size')!),
    '--input-size',
  );
  if (f.tokens !== undefined && !TOKEN_MODES.includes(f.tokens as TokenMode)) {
    throw new KcError(
      `--tokens must be ${TOKEN_MODES.slice(0, -1).join(', ')} or ${TOKEN_MODES.at(-1)}, got "${f.tokens}"`,
    );
  }
  return {
    source: f.probe,
    count: int(f.count, '--count') ?? 1000,
    ...(f.tokens ? { tokens: f.tokens as TokenMode } : {}),
    ...(inputSize ? { inputSize } : {}),
    normalization: {
      range,
      mean: list(f.probeMean, '--probe-mean'),
      std: list(f.probeStd, '--probe-std'),
    },
  };
}

/** The probe as an input no report may replace: an .npy or text file (the other sources are folders or built in). */
export function probeInput(f: ProbeFlags): Array<{ file: string; what: string }> {
  return /\.(npy|txt|jsonl)$/i.test(f.probe) ? [{ file: f.probe, what: 'the probe file' }] : [];
}

/** Accepts "a,b" and repeated flags alike. */
export function splitList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

function list(value: string | undefined, flag: string): number[] | undefined {
  return value === undefined ? undefined : value.split(',').map((v) => num(v.trim(), flag)!);
}
