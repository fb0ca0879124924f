/**
 * A model's files, read as untrusted input: a model folder comes from the internet and must not make kc read
 * anything else.
 *
 * Policy: the model file and every file it references (TF.js weight shards, ONNX external data) resolve, after
 * following symlinks, inside the model's *repository*: the nearest ancestor folder of the model with a `.git`,
 * or else the model's folder. References are relative to the model's folder and may not leave it (no absolute
 * paths, no `..` out); only a symlink may point elsewhere in the repository, which is how DVC and git-annex keep
 * weights in their caches. Each file must be a regular file (no folder, FIFO, device or socket), is read at most
 * once, and only as many bytes as the model declares, after its size was checked. Messages name the model file
 * and the reference, never the size or content of a file outside.
 */
import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { KcError, ModelParseError } from '../errors';

/** One file of a model, checked against the policy and not yet read. */
export interface CheckedFile {
  /** The model file whose reference this is (for messages). */
  model: string;
  /** What the model calls it, for messages: `weight shard "a.bin" named in its weightsManifest`. */
  what: string;
  /** The real path (symlinks resolved). */
  path: string;
  size: number;
  /** Identity at check time: the file opened for reading must be this one. */
  dev: number;
  ino: number;
}

// O_NONBLOCK: opening a FIFO does not wait for a writer (no effect on regular files); O_NOFOLLOW: the checked real
// path must not have become a symlink since. Both are 0 where the platform lacks them (Windows).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);
const CHUNK = 1 << 20;

export class ModelFolder {
  /** Files referenced so far, by real path: a second reference to one of them is the same file, read once. */
  private readonly seen = new Map<string, CheckedFile>();

  private constructor(
    /** The model file, absolute. */
    readonly file: string,
    /** The model's folder as given: references are relative to it. */
    readonly dir: string,
    /** The real path of the repository (the nearest ancestor with `.git`, else the model's folder). */
    readonly root: string,
  ) {}

  static async of(file: string): Promise<ModelFolder> {
    const absolute = path.resolve(file);
    const dir = path.dirname(absolute);
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      throw new KcError(`model file not found: ${file}`);
    }
    return new ModelFolder(file, dir, await repositoryOf(real));
  }

  /** Checks the model file itself (not read yet). */
  async modelFile(): Promise<CheckedFile> {
    const file = this.file;
    const fail = (e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return new KcError(`model file not found: ${file}`);
      return new KcError(`cannot read model file ${file} (${code ?? 'error'})`);
    };
    const real = await realpath(file).catch((e: unknown) => {
      throw fail(e);
    });
    // Before anything else touches the file: nothing about a file outside (not even what it is) reaches a message.
    if (!inside(this.root, real))
      throw new KcError(`${file} is a symlink to outside its folder and repository; ${POLICY}`);
    const stats = await stat(real).catch((e: unknown) => {
      throw fail(e);
    });
    if (stats.isDirectory()) throw new KcError(`${file} is a folder; give the model file (model.onnx or model.json)`);
    if (!stats.isFile())
      throw new KcError(`${file} is not a regular file (a FIFO, device or socket); give the model file`);
    return { model: file, what: 'the model file', path: real, size: stats.size, dev: stats.dev, ino: stats.ino };
  }

  /**
   * Checks one reference of the model (relative to its folder) against the policy, without reading it. `what`
   * names it in messages. With `unique`, a file referenced before (under any name) is refused.
   */
  async reference(ref: unknown, what: string, options: { unique?: boolean } = {}): Promise<CheckedFile> {
    const fail = (why: string) => new ModelParseError(`${this.file}: ${what} ${why}`, this.file);
    if (typeof ref !== 'string' || ref === '' || ref.includes('\0')) throw fail('is not a file name');
    const lexical = path.resolve(this.dir, ref);
    if (path.isAbsolute(ref) || !inside(this.dir, lexical)) throw fail(`is outside the model's folder; ${POLICY}`);
    const unreadable = (e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      return fail(
        code === 'ENOENT' || code === 'ENOTDIR'
          ? `is missing (looked for ${oneLine(lexical)})`
          : `cannot be read (${code ?? 'error'})`,
      );
    };
    const real = await realpath(lexical).catch((e: unknown) => {
      throw unreadable(e);
    });
    // Before anything else touches the file: nothing about a file outside (not even what it is) reaches a message.
    if (!inside(this.root, real)) throw fail(`is a symlink to outside the model's folder and repository; ${POLICY}`);
    const stats = await stat(real).catch((e: unknown) => {
      throw unreadable(e);
    });
    if (!stats.isFile())
      throw fail('is not a regular file (a folder, FIFO, device or socket); weights are read only from regular files');
    const earlier = this.seen.get(real);
    if (earlier) {
      if (options.unique)
        throw fail(`is listed more than once (also as ${earlier.what}); each weight file may be listed once`);
      return earlier;
    }
    const checked = { model: this.file, what, path: real, size: stats.size, dev: stats.dev, ino: stats.ino };
    this.seen.set(real, checked);
    return checked;
  }
}

const POLICY =
  "kc reads a model's files only from its folder, and follows symlinks only into the model's repository (the folder with .git)";

/** Reads the first `length` bytes (all by default) of a checked file, after checking that it has them. */
export async function readChecked(file: CheckedFile, length = file.size): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  await withOpened(file, length, async (handle) => {
    for (let offset = 0; offset < length;) {
      const { bytesRead } = await handle.read(bytes, offset, length - offset, offset);
      if (bytesRead === 0) throw changed(file);
      offset += bytesRead;
    }
  });
  return bytes;
}

/** Streams a checked file to `onChunk` in 1 MB pieces (for hashing without holding the file). */
export async function streamChecked(file: CheckedFile, onChunk: (chunk: Buffer) => void): Promise<void> {
  const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(1, file.size)));
  await withOpened(file, file.size, async (handle) => {
    for (let offset = 0; offset < file.size;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, file.size - offset), offset);
      if (bytesRead === 0) throw changed(file);
      onChunk(buffer.subarray(0, bytesRead));
      offset += bytesRead;
    }
  });
}

/** Opens the checked file and verifies, on the open handle, that it is still that regular file with `length` bytes. */
async function withOpened(
  file: CheckedFile,
  length: number,
  use: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, OPEN_FLAGS);
  } catch {
    throw changed(file);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.dev !== file.dev || stats.ino !== file.ino || stats.size < length) throw changed(file);
    await use(handle);
  } finally {
    await handle.close();
  }
}

function changed(file: CheckedFile): KcError {
  return new ModelParseError(`${file.model}: ${file.what} changed while kc was reading it; try again`, file.model);
}

/** A reference as messages show it: quoted, control characters escaped, at most 200 characters. */
export function quoteRef(ref: unknown): string {
  const text = typeof ref === 'string' ? ref : (JSON.stringify(ref) ?? String(ref));
  return `"${oneLine(text.length > 200 ? `${text.slice(0, 200)}…` : text)}"`;
}

/** Text from a model file made safe for a one-line message. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether `target` is `folder` or inside it (both absolute; `..foo` is a name inside, `..` is not). */
function inside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The nearest ancestor of the (real) model folder that holds `.git` (a folder, or a file in worktrees), else the folder. */
async function repositoryOf(dir: string): Promise<string> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (await exists(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
