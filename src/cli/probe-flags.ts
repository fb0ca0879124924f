/** The probe flags of every command that runs models (kc compare, kc family, kc drift): one definition, one parser. */
import type { Command } from 'commander';
import { KcError } from '../engine/errors';
import type { CompareOptions } from '../protocol/compare';
import { int, num } from './engine-flags';

export interface ProbeFlags {
  probe: string;
  count: string;
  probeRange?: string;
  probeMean?: string;
  probeStd?: string;
  cacheDir?: string;
}

export function addProbeOptions(command: Command): Command {
  return command
    .option(
      '--probe <source>',
      'probe inputs: mnist (test split), an image folder (PNG/JPEG, searched recursively; other files are skipped with a warning), an .npy tensor [N,H,W,C] or [N,C,H,W] used as stored, or synthetic (noise; warned)',
      'mnist',
    )
    .option('--count <n>', 'number of probe samples', '1000')
    .option('--probe-range <lo,hi>', 'pixel range of image probes (default 0,1)')
    .option('--probe-mean <m>', 'mean subtracted from image probes, one value or one per channel (comma-separated)')
    .option('--probe-std <s>', 'std dividing image probes, one value or one per channel')
    .option(
      '--cache-dir <dir>',
      'where extracted features are cached while the job runs (default: the system temp folder)',
    );
}

export function probeOptions(f: ProbeFlags): CompareOptions['probe'] {
  const range = list(f.probeRange, '--probe-range');
  if (range && range.length !== 2) throw new KcError(`--probe-range needs two numbers lo,hi, got "${f.probeRange}"`);
  return {
    source: f.probe,
    count: int(f.count, '--count') ?? 1000,
    normalization: {
      range: range as [number, number] | undefined,
      mean: list(f.probeMean, '--probe-mean'),
      std: list(f.probeStd, '--probe-std'),
    },
  };
}

/** The probe as an input no report may replace: an .npy file (the other sources are folders or built in). */
export function probeInput(f: ProbeFlags): Array<{ file: string; what: string }> {
  return /\.npy$/i.test(f.probe) ? [{ file: f.probe, what: 'the probe file' }] : [];
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
