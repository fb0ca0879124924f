import { stat } from 'node:fs/promises';
import type { CancelSignal } from '../cancel';
import { KcError } from '../errors';
import type { InputBatch } from '../models/types';
import type { ProbeInput } from '../../protocol/report';
import { describeFit, fitToInput, resolveNormalization, targetSize } from './image';
import { checkInputSize, feedPlan } from './input';
import { openImageFolder } from './folder';
import { mnistMismatch } from './fit-warning';
import { openMnist } from './mnist';
import { openNpyProbe } from './npy';
import { openSynthetic } from './synthetic';
import { openTextProbe, TEXT_PROBE } from './text';
import type { InputTarget, ProbeNormalization, ProbeSource, ProbeSpec } from './types';

export type { InputTarget, ProbeNormalization, ProbeSource, ProbeSpec, RawImage } from './types';
export { SYNTHETIC_WARNING } from './synthetic';
export { feedPlan, probeInputs } from './input';
export { deadInputWarning } from './dead';

/**
 * Opens the probe set named by spec.source; `target` (model A's input) sizes synthetic noise. The source carries
 * spec.inputSize, the size fed to models that take any (probes/input.ts).
 */
export async function openProbe(spec: ProbeSpec, target: InputTarget): Promise<ProbeSource> {
  const inputSize = checkInputSize(spec.inputSize, '--input-size');
  const source = await openSource(spec, target);
  return inputSize ? { ...source, inputSize } : source;
}

async function openSource(spec: ProbeSpec, target: InputTarget): Promise<ProbeSource> {
  if (!(Number.isInteger(spec.count) && spec.count >= 2)) {
    throw new KcError(`probe count must be a whole number ≥ 2, got ${spec.count}`, 'probe');
  }
  if (spec.source === 'mnist') {
    const mnist = await openMnist(spec.count);
    const mismatch = mnistMismatch(target);
    return mismatch ? { ...mnist, warnings: [...mnist.warnings, mismatch] } : mnist;
  }
  if (spec.source === 'synthetic') return openSynthetic(spec.count, target, spec.seed);
  if (spec.source.toLowerCase().endsWith('.npy')) return openNpyProbe(spec.source, spec.count);
  if (TEXT_PROBE.test(spec.source)) return openTextProbe(spec.source, spec.count, spec.tokens);
  const info = await stat(spec.source).catch(() => undefined);
  if (!info) {
    throw new KcError(
      `probe ${spec.source} does not exist: use mnist, synthetic, an image folder or an .npy file`,
      'probe',
    );
  }
  if (!info.isDirectory()) {
    throw new KcError(
      `probe ${spec.source} is a file but not an .npy tensor: give an image folder, an .npy file, mnist or synthetic`,
      'probe',
    );
  }
  return openImageFolder(spec.source, spec.count);
}

/** The probe fitted to one model's input: its batches (streamed) and a description of the preprocessing. */
export interface FittedProbe {
  batches(signal?: CancelSignal): AsyncIterable<InputBatch>;
  preprocessing: string;
  /** How it is fed (dtype, range, size, each with its reason), for the report's ProbeInfo.inputs. */
  input: Omit<ProbeInput, 'model'>;
}

/**
 * Fits the probe to a model's input (size, channels, pixel range, normalisation; probes/input.ts) and streams it in
 * batches. Each model gets its own fit, so models with different input sizes or ranges see the same images each as
 * it expects them.
 */
export function fitProbe(
  probe: ProbeSource,
  model: InputTarget,
  normalization: Partial<ProbeNormalization> | undefined,
  batchSize = 64,
): FittedProbe {
  const plan = feedPlan(probe, model, normalization);
  const target = plan.target;
  const channels = target.channels > 0 ? target.channels : probe.size?.channels;
  const perChannel = Math.max(normalization?.mean?.length ?? 1, normalization?.std?.length ?? 1) > 1;
  if (probe.pixels && perChannel && !channels) {
    throw new KcError(
      'per-channel probe mean/std needs a model or probe with a known channel count: give one value',
      'probe',
    );
  }
  const norm = probe.pixels ? resolveNormalization({ ...normalization, range: plan.range }, channels ?? 1) : undefined;
  return {
    preprocessing: describeFit(probe.description, target, norm, probe.size),
    batches: (signal) => batchesOf(probe, target, norm, batchSize, signal),
    input: plan.input,
  };
}

async function* batchesOf(
  probe: ProbeSource,
  target: InputTarget,
  norm: ProbeNormalization | undefined,
  batchSize: number,
  signal?: CancelSignal,
): AsyncIterable<InputBatch> {
  // A model that accepts any size or channel count gets the first sample's; later samples are fitted to it.
  let fixed: InputTarget | undefined;
  let size = 0;
  let data = new Float32Array(0);
  let n = 0;
  for await (const image of probe.samples(signal)) {
    if (!fixed) {
      const { height, width } = targetSize(image, target);
      fixed = { ...target, height, width, channels: target.channels > 0 ? target.channels : image.channels };
      size = height * width * fixed.channels;
      data = new Float32Array(batchSize * size);
    }
    fitToInput(image, fixed, norm, data, n * size);
    if (++n === batchSize) {
      yield { shape: [n, fixed.height, fixed.width, fixed.channels], data };
      data = new Float32Array(batchSize * size);
      n = 0;
    }
  }
  if (fixed && n > 0) yield { shape: [n, fixed.height, fixed.width, fixed.channels], data: data.slice(0, n * size) };
}
