import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import { decodeImage, sniffImageFormat } from './decode';
import type { ProbeSource, RawImage } from './types';

/** Files named in warnings before "and N more", so a folder of thousands of stray files stays readable. */
const NAMED_SKIPS = 5;

/**
 * A folder of PNG/JPEG images (searched recursively, sorted by relative path, hidden files ignored). Files that
 * are not PNG or JPEG by content are skipped with a warning naming them; a file that looks like an image but
 * cannot be decoded fails the run with its name, since the probe count is fixed once both models are fed.
 */
export async function openImageFolder(dir: string, count: number): Promise<ProbeSource> {
  const files = await listFiles(dir);
  const images: string[] = [];
  const skipped: string[] = [];
  for (const rel of files) {
    if (images.length >= count) break;
    if (await isImage(path.join(dir, rel))) images.push(rel);
    else skipped.push(rel);
  }
  const warnings: string[] = [];
  if (skipped.length > 0) {
    const named = skipped.slice(0, NAMED_SKIPS).join(', ');
    const more = skipped.length > NAMED_SKIPS ? ` and ${skipped.length - NAMED_SKIPS} more` : '';
    warnings.push(`skipped ${skipped.length} file(s) in ${dir} that are not PNG or JPEG images: ${named}${more}`);
  }
  if (images.length === 0) {
    const what = files.length === 0 ? 'is empty' : `has no PNG or JPEG images (${warnings[0]})`;
    throw new KcError(`probe folder ${dir} ${what}: put PNG/JPEG images in it, or use --probe mnist`, 'probe');
  }
  if (images.length < count)
    warnings.push(`probe folder ${dir} has ${images.length} images; using all of them instead of ${count}`);
  return {
    source: dir,
    count: images.length,
    description: `${images.length} images from ${dir}`,
    pixels: true,
    warnings,
    samples: (signal?: CancelSignal) => readImages(dir, images, signal),
  };
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new KcError(`probe folder ${dir} does not exist: give an image folder, an .npy file, or mnist`, 'probe');
    if (code === 'ENOTDIR') throw new KcError(`probe ${dir} is not a folder or an .npy file`, 'probe');
    throw new KcError(`cannot read probe folder ${dir} (${code ?? String(error)})`, 'probe');
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((rel) => !rel.split(path.sep).some((part) => part.startsWith('.')))
    .sort();
}

async function isImage(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return sniffImageFormat(head.subarray(0, bytesRead)) !== undefined;
  } finally {
    await handle.close();
  }
}

async function* readImages(dir: string, files: string[], signal?: CancelSignal): AsyncIterable<RawImage> {
  for (const rel of files) {
    throwIfCancelled(signal);
    const file = path.join(dir, rel);
    yield decodeImage(await readFile(file), file);
  }
}
