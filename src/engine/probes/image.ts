import { KcError } from '../errors';
import { wholeNumbers } from './input';
import type { InputTarget, ProbeNormalization, RawImage } from './types';

/** ITU-R BT.601 luma weights: how RGB probes become grayscale for a single-channel model. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * Bilinear resize of interleaved HWC data with half-pixel centres (the convention of TF 2 / PyTorch
 * align_corners=False). No anti-aliasing: fine for the modest size changes probes need.
 */
export function resizeBilinear(
  data: Float32Array,
  height: number,
  width: number,
  channels: number,
  outH: number,
  outW: number,
): Float32Array {
  if (outH === height && outW === width) return data;
  const out = new Float32Array(outH * outW * channels);
  const sy = height / outH;
  const sx = width / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, width - 1);
      const wx = fx - x0;
      const o = (y * outW + x) * channels;
      const a = (y0 * width + x0) * channels;
      const b = (y0 * width + x1) * channels;
      const c = (y1 * width + x0) * channels;
      const d = (y1 * width + x1) * channels;
      for (let k = 0; k < channels; k++) {
        const top = data[a + k] + (data[b + k] - data[a + k]) * wx;
        const bottom = data[c + k] + (data[d + k] - data[c + k]) * wx;
        out[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}

/** Gray ↔ RGB conversion (RGBA drops alpha). Other channel counts must already match. */
export function convertChannels(
  data: Float32Array,
  pixels: number,
  from: number,
  to: number,
  origin: string,
): Float32Array {
  if (from === to) return data;
  const out = new Float32Array(pixels * to);
  if (to === 1 && from >= 3) {
    for (let p = 0; p < pixels; p++) {
      const i = p * from;
      out[p] = LUMA[0] * data[i] + LUMA[1] * data[i + 1] + LUMA[2] * data[i + 2];
    }
    return out;
  }
  if (to === 3 && (from === 1 || from === 4)) {
    for (let p = 0; p < pixels; p++) {
      for (let k = 0; k < 3; k++) out[p * 3 + k] = from === 1 ? data[p] : data[p * 4 + k];
    }
    return out;
  }
  throw new KcError(
    `${origin} has ${from} channels and the model expects ${to}: only grayscale ↔ RGB is converted; give probes with ${to} channels`,
    'probe',
  );
}

/** The normalisation with defaults filled in, checked against the model's channel count. */
export function resolveNormalization(
  partial: Partial<ProbeNormalization> | undefined,
  channels: number,
): ProbeNormalization {
  const range = partial?.range ?? [0, 1];
  const perChannel = (name: string, values: number[] | undefined): number[] | undefined => {
    if (!values) return undefined;
    if (values.length === 1) return new Array<number>(channels).fill(values[0]);
    if (values.length !== channels) {
      throw new KcError(
        `probe ${name} has ${values.length} values and the model has ${channels} input channels: give 1 or ${channels}`,
        'probe',
      );
    }
    return values;
  };
  const std = perChannel('std', partial?.std);
  if (std?.some((s) => !(s > 0))) throw new KcError(`probe std must be positive, got ${std.join(', ')}`, 'probe');
  return { range: [range[0], range[1]], mean: perChannel('mean', partial?.mean), std };
}

/**
 * Fits one sample to a model input: channel conversion, bilinear resize, and (for pixel data) range scaling
 * and mean/std normalisation. Writes into `out` at `offset`.
 */
export function fitToInput(
  image: RawImage,
  target: InputTarget,
  norm: ProbeNormalization | undefined,
  out: Float32Array,
  offset: number,
): void {
  const { height: h, width: w } = targetSize(image, target);
  const c = target.channels > 0 ? target.channels : image.channels;
  const converted = convertChannels(image.data, image.height * image.width, image.channels, c, image.origin);
  const resized = resizeBilinear(converted, image.height, image.width, c, h, w);
  const whole = wholeNumbers(target);
  if (!norm) {
    if (whole) for (let i = 0; i < resized.length; i++) out[offset + i] = Math.round(resized[i]);
    else out.set(resized, offset);
    return;
  }
  const [lo, hi] = norm.range;
  const scale = hi - lo;
  for (let i = 0; i < resized.length; i++) {
    const k = i % c;
    let v = lo + resized[i] * scale;
    if (norm.mean) v -= norm.mean[k];
    if (norm.std) v /= norm.std[k];
    // an integer input truncates: 0.999 · 255 would be fed as 254
    out[offset + i] = whole ? Math.round(v) : v;
  }
}

/** The model's input size, or the sample's own where the model accepts any size. */
export function targetSize(
  image: { height: number; width: number },
  target: InputTarget,
): { height: number; width: number } {
  return {
    height: target.height > 0 ? target.height : image.height,
    width: target.width > 0 ? target.width : image.width,
  };
}

/**
 * Human-readable preprocessing for ProbeInfo, e.g. "MNIST test split (first 1000), grayscale 28×28, as is, scaled
 * to [0,1]" or "… → RGB 32×32 (bilinear)". `native` is the samples' common size when they have one.
 */
export function describeFit(
  description: string,
  target: InputTarget,
  norm: ProbeNormalization | undefined,
  native?: InputTarget,
): string {
  const c = target.channels > 0 ? target.channels : (native?.channels ?? 0);
  const channels = c === 1 ? 'grayscale' : c === 3 ? 'RGB' : c > 0 ? `${c}-channel` : 'native channels';
  const h = target.height > 0 ? target.height : (native?.height ?? 0);
  const w = target.width > 0 ? target.width : (native?.width ?? 0);
  const size = h > 0 && w > 0 ? `${h}×${w}` : 'native size';
  const unchanged = native && native.height === h && native.width === w && native.channels === c;
  const parts = [description, unchanged ? 'no resize' : `fitted to ${channels} ${size} (bilinear)`];
  if (norm) {
    parts.push(
      `scaled to [${norm.range[0]},${norm.range[1]}]${wholeNumbers(target) ? ` as ${target.dtype} whole numbers` : ''}`,
    );
    if (norm.mean) parts.push(`mean ${norm.mean.join('/')}`);
    if (norm.std) parts.push(`std ${norm.std.join('/')}`);
  } else {
    parts.push('values as stored');
  }
  return parts.join(', ');
}
