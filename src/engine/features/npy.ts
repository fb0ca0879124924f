/**
 * NumPy .npy feature files (format versions 1–3), so that features dumped from PyTorch / JAX / Keras with
 * `np.save` can be compared directly. float32 and float64 (either byte order), C or Fortran order, [N, C] or
 * 4-D; a 4-D array is NHWC unless `layout: 'nchw'` says it is [N, C, H, W] (PyTorch), then it is transposed.
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { KcError } from '../errors';
import { oneLine } from '../models/model-files';
import { featureTensor, type FeatureTensor } from '../tensor';

export type NpyLayout = 'nhwc' | 'nchw';

const MAGIC = '\x93NUMPY';

interface NpyHeader {
  littleEndian: boolean;
  bytesPerValue: 4 | 8;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

export async function readNpy(path: string, options: { layout?: NpyLayout } = {}): Promise<FeatureTensor> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new KcError(`cannot read ${oneLine(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const name = oneLine(basename(path));
  const header = parseHeader(bytes, name);
  const { shape } = header;
  if (shape.length !== 2 && shape.length !== 4) {
    throw new KcError(
      `${name}: features must be 2-D [N, C] or 4-D [N, H, W, C] / [N, C, H, W], got shape (${shape.join(', ')})`,
    );
  }
  if (shape.some((s) => s === 0)) throw new KcError(`${name}: array of shape (${shape.join(', ')}) holds no values`);
  const count = shape.reduce((p, s) => p * s, 1);
  const available = bytes.length - header.dataOffset;
  if (available < count * header.bytesPerValue) {
    throw new KcError(
      `${name}: truncated — shape (${shape.join(', ')}) needs ${count * header.bytesPerValue} data bytes, the file has ${available}`,
    );
  }
  const values = decode(bytes, header, count, name);
  const bad = firstNonFinite(values);
  if (bad >= 0) {
    throw new KcError(
      `${name}: value ${values[bad]} at flat index ${bad}; features must be finite (check the model or the dump)`,
      'non-finite',
    );
  }
  const cOrder = header.fortranOrder ? fortranToC(values, shape) : values;
  if (shape.length === 4 && (options.layout ?? 'nhwc') === 'nchw') {
    const [n, c, h, w] = shape;
    return featureTensor([n, h, w, c], nchwToNhwc(cOrder, n, c, h, w));
  }
  return featureTensor(shape, cOrder);
}

/** Writes float32 little-endian C-order .npy (format 1.0, header padded to 64 bytes as NumPy does). */
export async function writeNpy(path: string, shape: readonly number[], data: Float32Array): Promise<void> {
  const count = shape.reduce((p, s) => p * s, 1);
  if (count !== data.length)
    throw new RangeError(`shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 4 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(MAGIC.length + 4);
  head.write(MAGIC, 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  const body = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) body.writeFloatLE(data[i], i * 4);
  await writeFile(path, Buffer.concat([head, Buffer.from(dict, 'latin1'), body]));
}

function parseHeader(bytes: Buffer, name: string): NpyHeader {
  if (bytes.length === 0) throw new KcError(`${name} is empty; expected a NumPy .npy file`);
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== MAGIC) {
    throw new KcError(`${name} is not a NumPy .npy file (no \\x93NUMPY magic); save features with numpy.save`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new KcError(`${name}: unsupported .npy format version ${major}.${bytes[7]}`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new KcError(`${name}: truncated .npy header`);
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (bytes.length < dataOffset) throw new KcError(`${name}: truncated .npy header`);
  const text = bytes.toString(major === 3 ? 'utf8' : 'latin1', 8 + lengthBytes, dataOffset);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    // Structured dtypes put a list in 'descr' and fail the first pattern.
    throw new KcError(
      `${name}: unreadable .npy header (structured or object arrays are not features): ${oneLine(text.trim().slice(0, 80))}`,
    );
  }
  const dtype = /^([<>|=])f([48])$/.exec(descr);
  if (!dtype) {
    throw new KcError(
      `${name}: dtype '${oneLine(descr)}' is not supported; save float32 or float64 features (arr.astype(np.float32))`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0))
    throw new KcError(`${name}: bad shape (${oneLine(shapeText)}) in .npy header`);
  return {
    littleEndian: dtype[1] !== '>', // '|' and '=' (native) are little-endian on every platform Node runs on here
    bytesPerValue: dtype[2] === '4' ? 4 : 8,
    fortranOrder: fortran === 'True',
    shape,
    dataOffset,
  };
}

function decode(bytes: Buffer, h: NpyHeader, count: number, name: string): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, count * h.bytesPerValue);
  if (h.bytesPerValue === 4) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, h.littleEndian);
    return out;
  }
  for (let i = 0; i < count; i++) {
    const v = view.getFloat64(i * 8, h.littleEndian);
    out[i] = v;
    if (Number.isFinite(v) && !Number.isFinite(out[i])) {
      throw new KcError(
        `${name}: value ${v} at flat index ${i} is beyond the float32 range; rescale the features`,
        'non-finite',
      );
    }
  }
  return out;
}

/** Index of the first NaN/±Inf, or −1. */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Column-major (first index fastest) → row-major (last index fastest). */
function fortranToC(values: Float32Array, shape: number[]): Float32Array {
  const out = new Float32Array(values.length);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  // Walk the output in C order, keeping the Fortran offset of the same multi-index.
  const fStride = shape.map((_, d) => shape.slice(0, d).reduce((p, s) => p * s, 1));
  for (let c = 0; c < values.length; c++) {
    let f = 0;
    for (let d = 0; d < rank; d++) f += idx[d] * fStride[d];
    out[c] = values[f];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function nchwToNhwc(values: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const src = ((s * c + ch) * h + y) * w;
        const dst = (s * h + y) * w * c + ch;
        for (let x = 0; x < w; x++) out[dst + x * c] = values[src + x];
      }
    }
  }
  return out;
}
