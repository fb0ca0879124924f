/** The disentangler's flags as commander hands them over (strings), shared by `kc compare` and `kc disentangle`. */
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
