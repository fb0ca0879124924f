/**
 * How the probe is fed to one model's input, decided before any extraction and stated in the report (ProbeInput):
 * the pixel range (the user's --input-range, else what the model's dtype, first ops or metadata call for, else
 * [0, 1]), whole numbers for integer inputs, and the size fed to a model that takes any (--input-size, else the
 * probe's own size rounded to a multiple of 32, else 224×224). A size that is not a multiple of the network's total
 * stride breaks detectors and U-Nets deep inside the graph (onnxruntime: "Attempting to broadcast an axis by a
 * dimension other than 1"); 32 is the stride of nearly every such network.
 */
import type { ProbeNormalization } from '../../protocol/compare';
import type { ProbeInput } from '../../protocol/report';
import { KcError } from '../errors';
import { isIntegerType } from '../models/input-range';
import type { InputTarget, ProbeSource } from './types';

/** Sizes fed to models that take any are rounded to a multiple of this. */
export const SIZE_STRIDE = 32;
/** Side fed to a model that takes any size when the probe images differ in size (ImageNet's convention). */
export const DEFAULT_SIDE = 224;
/** The largest --input-size side: a probe batch of 64 at 4096² RGB is 12 GB already. */
const MAX_SIDE = 4096;

/** The probe's feed to one model: the target with its height and width fixed, and the report's account of it. */
export interface FedInput {
  target: InputTarget;
  /** The pixel range (as a partial normalisation: mean/std as the user gave); absent for .npy probes. */
  range?: [number, number];
  input: Omit<ProbeInput, 'model'>;
}

export function feedPlan(
  probe: ProbeSource,
  target: InputTarget,
  normalization?: Partial<ProbeNormalization>,
): FedInput {
  const size = fedSize(probe, target);
  const dtype = target.dtype ?? 'float32';
  const fed: InputTarget = { ...target, height: size.size[0], width: size.size[1] };
  const input: Omit<ProbeInput, 'model'> = { dtype, size: size.size, sizeSource: size.source };
  if (size.reason) input.sizeReason = size.reason;
  if (!probe.pixels) return { target: fed, input };
  let range: [number, number];
  if (normalization?.range) {
    range = [normalization.range[0], normalization.range[1]];
    input.rangeSource = 'option';
  } else if (target.range) {
    range = target.range;
    input.rangeSource = 'model';
    if (target.rangeReason) input.rangeReason = target.rangeReason;
  } else {
    range = [0, 1];
    input.rangeSource = 'default';
    input.rangeReason = "nothing in the model's input says otherwise";
  }
  input.range = range;
  return { target: fed, range, input };
}

function fedSize(
  probe: ProbeSource,
  target: InputTarget,
): { size: [number, number]; source: ProbeInput['sizeSource']; reason?: string } {
  if (target.height > 0 && target.width > 0) return { size: [target.height, target.width], source: 'model' };
  const pick = (fixed: number, chosen: number) => (fixed > 0 ? fixed : chosen);
  if (probe.inputSize) {
    return {
      size: [pick(target.height, probe.inputSize[0]), pick(target.width, probe.inputSize[1])],
      source: 'option',
    };
  }
  if (probe.size && !probe.pixels) {
    const size: [number, number] = [pick(target.height, probe.size.height), pick(target.width, probe.size.width)];
    return { size, source: 'default', reason: 'the model takes any size: .npy inputs are fed at their own size' };
  }
  if (probe.size) {
    const { height, width } = probe.size;
    const size: [number, number] = [pick(target.height, toStride(height)), pick(target.width, toStride(width))];
    const rounded = size[0] !== height || size[1] !== width;
    return {
      size,
      source: 'default',
      reason: `the model takes any size: the probe's ${height}×${width}${rounded ? ` rounded to a multiple of ${SIZE_STRIDE}` : ''}`,
    };
  }
  return {
    size: [pick(target.height, DEFAULT_SIDE), pick(target.width, DEFAULT_SIDE)],
    source: 'default',
    reason: `the model takes any size and the probe images differ in size: ${DEFAULT_SIDE}×${DEFAULT_SIDE}`,
  };
}

/** The nearest multiple of SIZE_STRIDE (at least one stride). */
export function toStride(side: number): number {
  return Math.max(SIZE_STRIDE, Math.round(side / SIZE_STRIDE) * SIZE_STRIDE);
}

/** Whether probe values must be whole numbers (an integer input: pixels 0..255 are not fed as 0.0–1.0). */
export function wholeNumbers(target: InputTarget): boolean {
  return isIntegerType(target.dtype);
}

/** --input-size / the setting as [height, width]: two whole numbers 1…4096. */
export function checkInputSize(value: readonly number[] | undefined, what: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (value.length !== 2 || value.some((v) => !Number.isInteger(v) || v < 1 || v > MAX_SIDE)) {
    throw new KcError(
      `${what} needs two whole numbers H,W between 1 and ${MAX_SIDE}, got "${value.join(',')}"`,
      'probe',
    );
  }
  return [value[0], value[1]];
}

/** --input-range / the setting as [lo, hi]: two finite numbers, lo < hi. */
export function checkInputRange(value: readonly number[] | undefined, what: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (value.length !== 2 || !value.every(Number.isFinite) || !(value[0] < value[1])) {
    throw new KcError(`${what} needs two numbers lo,hi with lo < hi (e.g. 0,255), got "${value.join(',')}"`, 'probe');
  }
  return [value[0], value[1]];
}

/** The report's ProbeInfo.inputs: how the probe is fed to each model, known before extraction. */
export function probeInputs(
  probe: ProbeSource,
  models: ReadonlyArray<{ model: string; target: InputTarget }>,
  normalization?: Partial<ProbeNormalization>,
): ProbeInput[] {
  return models.map(({ model, target }) => ({ model, ...feedPlan(probe, target, normalization).input }));
}
