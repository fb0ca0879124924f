import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { KcError } from '../errors';
import type { RawImage } from './types';

export type ImageFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/**
 * The largest image decoded, in pixels (jpeg-js's own default cap, applied to PNG too): a probe folder is untrusted
 * input, and a 16000×16000 PNG of a few hundred KB would decode to gigabytes. Probes are resized to the model's input.
 */
const MAX_PIXELS = 100_000_000;

/** Recognises PNG and JPEG by their first bytes (not by extension, which lies). */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  if (head.length >= 8 && PNG_SIGNATURE.every((b, i) => head[i] === b)) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return undefined;
}

/**
 * Decodes a PNG or JPEG to float pixels in [0, 1]: 1 channel when the image is grayscale (a PNG without colour,
 * or a JPEG whose channels are all equal), otherwise 3 (alpha is dropped).
 */
export function decodeImage(bytes: Buffer, origin: string): RawImage {
  const format = sniffImageFormat(bytes);
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  let gray: boolean;
  try {
    if (format === 'png') {
      checkPixels(pngSize(bytes), origin);
      const png = PNG.sync.read(bytes);
      ({ width, height } = png);
      rgba = png.data;
      gray = !png.color;
    } else if (format === 'jpeg') {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 1024,
        maxResolutionInMP: MAX_PIXELS / 1e6,
      });
      ({ width, height } = img);
      rgba = img.data;
      gray = isGray(rgba);
    } else {
      throw new KcError(`${origin} is not a PNG or JPEG image`, 'probe');
    }
  } catch (error) {
    if (error instanceof KcError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new KcError(
      `${origin} could not be decoded as ${format?.toUpperCase()} (${why}): remove or replace the file`,
      'probe',
    );
  }
  const pixels = width * height;
  const channels = gray ? 1 : 3;
  const data = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < channels; k++) data[p * channels + k] = rgba[p * 4 + k] / 255;
  }
  return { height, width, channels, data, origin };
}

/** Width and height from a PNG's IHDR chunk (signature, length, "IHDR", width, height), read before decoding. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined; // pngjs says what is wrong
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function checkPixels(size: { width: number; height: number } | undefined, origin: string): void {
  if (size && size.width * size.height > MAX_PIXELS) {
    throw new KcError(
      `${origin} is ${size.width}×${size.height} pixels; probe images may have at most ${MAX_PIXELS / 1e6} megapixels: scale it down or remove it`,
      'probe',
    );
  }
}

function isGray(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  }
  return true;
}
