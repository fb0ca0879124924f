import { throwIfCancelled, type CancelSignal } from '../cancel';
import { createRng } from '../random';
import type { InputTarget, ProbeSource, RawImage } from './types';

export const SYNTHETIC_WARNING =
  'probe inputs are synthetic noise, not real data: the consistency measured on them says little about what the models learned';

/** Uniform noise in [0, 1] at the model's input size (28×28×1 when it accepts any). Only on explicit request. */
export function openSynthetic(count: number, target: InputTarget, seed = 0): ProbeSource {
  const h = target.height > 0 ? target.height : 28;
  const w = target.width > 0 ? target.width : 28;
  const c = target.channels > 0 ? target.channels : 1;
  return {
    source: 'synthetic',
    count,
    description: `uniform noise ${h}×${w}×${c} (seed ${seed})`,
    size: { height: h, width: w, channels: c },
    pixels: true,
    warning: SYNTHETIC_WARNING,
    warnings: [],
    samples: (signal?: CancelSignal) => generate(count, h, w, c, seed, signal),
  };
}

async function* generate(
  count: number,
  h: number,
  w: number,
  c: number,
  seed: number,
  signal?: CancelSignal,
): AsyncIterable<RawImage> {
  // Same seed → same samples on every pass, so model A and model B see identical noise.
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) {
    if (i % 256 === 0) throwIfCancelled(signal);
    const data = new Float32Array(h * w * c);
    for (let j = 0; j < data.length; j++) data[j] = rng();
    yield { height: h, width: w, channels: c, data, origin: `synthetic #${i}` };
  }
}
