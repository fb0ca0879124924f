/** The disentangler's flags as commander hands them over (strings), shared by `kc compare`, `kc family`, `kc drift` and
 * `kc disentangle`. */
import { Option, type Command } from 'commander';
import { KcError } from '../engine/errors';
import type { DisentangleSettings } from '../protocol/report';

export interface EngineFlags {
  orders?: string;
  alpha?: string;
  normalize?: DisentangleSettings['normalize'];
  kernel?: string;
  preset?: DisentangleSettings['preset'];
  epochs?: string;
  seed?: string;
  seeds?: string;
  testFraction?: string;
}

/** The disentangler's flags without defaults (the preset decides) and --backend: kc compare, kc family, kc drift. */
export function addEngineOptions(command: Command): Command {
  return command
    .option('--orders <K>', 'highest order K of the disentangler (K + 1 stages)')
    .option('--alpha <a>', 'gate penalty α')
    .addOption(new Option('--normalize <mode>', 'feature normalisation').choices(['dataset', 'per-sample']))
    .addOption(new Option('--kernel <k>', 'disentangler kernel size').choices(['1', '3']))
    .addOption(new Option('--preset <name>', 'training schedule').choices(['fast', 'thorough']))
    .option('--epochs <n>', 'maximum epochs')
    .option('--seed <n>', 'seed of the split and the initialisation')
    .option('--seeds <n>', 'independent fits to average (spread reported)')
    .option('--test-fraction <f>', 'held-out fraction of the probe samples')
    .addOption(
      new Option('--backend <name>', 'training backend').choices(['auto', 'onnxruntime', 'tfjs']).default('auto'),
    );
}

/** The settings the user set on the command line (undefined = the preset's value). */
export function engineSettings(f: EngineFlags): Partial<DisentangleSettings> {
  return {
    orders: int(f.orders, '--orders'),
    alpha: num(f.alpha, '--alpha'),
    normalize: f.normalize,
    kernel: f.kernel === undefined ? undefined : (Number(f.kernel) as 1 | 3),
    preset: f.preset,
    epochs: int(f.epochs, '--epochs'),
    seed: int(f.seed, '--seed'),
    seeds: int(f.seeds, '--seeds'),
    testFraction: num(f.testFraction, '--test-fraction'),
  };
}

export function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new KcError(`${flag} needs a number, got "${value}"`);
  return n;
}

export function int(value: string | undefined, flag: string): number | undefined {
  const n = num(value, flag);
  if (n !== undefined && !Number.isInteger(n)) throw new KcError(`${flag} needs a whole number, got "${value}"`);
  return n;
}
