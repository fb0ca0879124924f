import { access } from 'node:fs/promises';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import { readNpy } from '../features/npy';
import type { FeatureTensor } from '../tensor';
import type { ProbeSource, RawImage } from './types';

export type InputLayout = 'nhwc' | 'nchw' | 'auto';

/**
 * Model inputs stored as an .npy tensor [N, H, W, C] (or [N, C, H, W]), used as stored: no range scaling or
 * mean/std, only resizing and gray ↔ RGB conversion when a model needs another size. The tensor is read whole.
 * 'auto' takes [N, 1|3, H, W] with H, W > 4 as NCHW (PyTorch's layout) and anything else as NHWC.
 */
export async function openNpyProbe(file: string, count: number, layout: InputLayout = 'auto'): Promise<ProbeSource> {
  try {
    await access(file);
  } catch {
    throw new KcError(`probe file ${file} does not exist`, 'probe');
  }
  const stored = await readNpy(file, { layout: 'nhwc' });
  const [n, d1, d2, d3] = stored.shape;
  if (d1 === 1 && d2 === 1) {
    throw new KcError(
      `probe ${file} has shape [${stored.shape.join(', ')}]: inputs must be images [N, H, W, C] or [N, C, H, W]`,
      'probe',
    );
  }
  const nchw = layout === 'nchw' || (layout === 'auto' && (d1 === 1 || d1 === 3) && d2 > 4 && d3 > 4);
  const tensor = nchw ? nchwToNhwc(stored) : stored;
  const [, h, w, c] = tensor.shape;
  const warnings: string[] = [];
  const used = Math.min(n, count);
  if (n < count) warnings.push(`probe ${file} has ${n} samples; using all of them instead of ${count}`);
  return {
    source: file,
    count: used,
    description: `${used} inputs from ${file} (${nchw ? 'NCHW' : 'NHWC'} ${h}×${w}×${c})`,
    size: { height: h, width: w, channels: c },
    pixels: false,
    warnings,
    samples: (signal?: CancelSignal) => readSamples(tensor, used, file, signal),
  };
}

function nchwToNhwc(t: FeatureTensor): FeatureTensor {
  const [n, c, h, w] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      for (let p = 0; p < h * w; p++) out[(i * h * w + p) * c + k] = t.data[(i * c + k) * h * w + p];
    }
  }
  return { shape: [n, h, w, c], data: out };
}

async function* readSamples(
  t: FeatureTensor,
  count: number,
  file: string,
  signal?: CancelSignal,
): AsyncIterable<RawImage> {
  const [, h, w, c] = t.shape;
  const size = h * w * c;
  for (let i = 0; i < count; i++) {
    if (i % 256 === 0) throwIfCancelled(signal);
    yield {
      height: h,
      width: w,
      channels: c,
      data: t.data.subarray(i * size, (i + 1) * size),
      origin: `${file} #${i}`,
    };
  }
}
