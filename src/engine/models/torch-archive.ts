/**
 * What a PyTorch file holds, told from its bytes without running anything: torch.jit.save, torch.export.save and
 * torch.save all write a zip archive (one top folder); which entries it has says which it is. A torch.save file
 * holds a pickle (data.pkl), whose GLOBAL opcodes name the classes it builds: a model names nn.Module classes, a
 * state_dict only OrderedDict and tensor rebuilders. Before torch 1.6 torch.save wrote a bare pickle, read the
 * same way from the head of the file. Reads are bounded: the end of the file, the central directory and the start
 * of data.pkl.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** torchscript, torch-export, a pickled model (torch-pickle), or pickled weights only ('weights': not a model). */
export type TorchFileKind = 'torchscript' | 'torch-export' | 'torch-pickle' | 'weights';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record (22 bytes) plus the longest comment. */
const TAIL_BYTES = 22 + 0xffff;
/** A model with 100,000 tensors lists about 6 MB of entries; more is no archive kc reads. */
const MAX_DIRECTORY_BYTES = 16 * 2 ** 20;
/** Classes come first in a pickle (the tensors' bytes are separate entries): its start names them. */
const PICKLE_SCAN_BYTES = 4 * 2 ** 20;

interface Entry {
  name: string;
  /** 0: stored (torch never compresses). */
  method: number;
  size: number;
  localOffset: number;
}

/** The kind of a PyTorch file, or undefined when it is neither a zip archive of torch's nor a pickle. */
export async function torchFileKind(file: string): Promise<TorchFileKind | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    // PROTO opcode first: a pre-1.6 torch.save pickle
    if ((await readAt(handle, 0, 1))[0] === 0x80)
      return picklesModule(await readAt(handle, 0, Math.min(stats.size, PICKLE_SCAN_BYTES)))
        ? 'torch-pickle'
        : 'weights';
    const entries = await zipEntries(handle, stats.size);
    return entries && (await kindOf(handle, entries));
  } catch {
    return undefined; // unreadable or changed while read: not a model discovery can use
  } finally {
    await handle.close();
  }
}

async function kindOf(handle: FileHandle, entries: Entry[]): Promise<TorchFileKind | undefined> {
  const names = entries.map((e) => e.name);
  if (names.some((n) => /(^|\/)code\//.test(n)) && names.some((n) => /(^|\/)constants\.pkl$/.test(n)))
    return 'torchscript';
  if (names.some((n) => /(^|\/)(serialized_exported_program\.json|archive_format)$/.test(n))) return 'torch-export';
  const pickle = entries.find((e) => /^[^/]*\/?data\.pkl$/.test(e.name));
  if (!pickle) return undefined;
  // torch writes entries stored; a compressed data.pkl cannot be scanned here, and the helper decides.
  if (pickle.method !== 0) return 'torch-pickle';
  const local = await readAt(handle, pickle.localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_HEADER) return undefined;
  const start = pickle.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  return picklesModule(await readAt(handle, start, Math.min(pickle.size, PICKLE_SCAN_BYTES)))
    ? 'torch-pickle'
    : 'weights';
}

/**
 * Modules, containers and dicts of tensors a state_dict or a training checkpoint is made of: a pickle that names
 * only these holds weights, not a network.
 */
const WEIGHT_GLOBALS = /^(collections|torch\._utils|torch|builtins|__builtin__|copyreg|_codecs|numpy(\.[\w.]+)?)$/;

/** Whether a pickle (protocol 2, torch.save's default) builds an nn.Module or any class beyond weights. */
function picklesModule(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  if (text.includes('torch.nn.modules')) return true;
  // GLOBAL opcode: 'c' module '\n' name '\n'
  for (const match of text.matchAll(/c([A-Za-z_][\w.]*)\n([A-Za-z_][\w.]*)\n/g)) {
    if (!WEIGHT_GLOBALS.test(match[1])) return true;
  }
  return false;
}

/** The central directory of a zip archive (zip64 included), or undefined when the file is no zip. */
async function zipEntries(handle: FileHandle, size: number): Promise<Entry[] | undefined> {
  const tailStart = Math.max(0, size - TAIL_BYTES);
  const tail = await readAt(handle, tailStart, size - tailStart);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  let count = tail.readUInt16LE(end + 10);
  let directorySize = tail.readUInt32LE(end + 12);
  let directoryOffset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR) return undefined;
    const record = await readAt(handle, Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) return undefined;
    count = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > size) return undefined;
  return parseDirectory(await readAt(handle, directoryOffset, directorySize), count);
}

function parseDirectory(directory: Buffer, count: number): Entry[] | undefined {
  const entries: Entry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_ENTRY) return undefined;
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let size = directory.readUInt32LE(at + 24);
    let localOffset = directory.readUInt32LE(at + 42);
    const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    // zip64: the sizes and offset that overflow 32 bits follow in the 0x0001 extra field, in this order.
    for (let e = 0; e + 4 <= extra.length; e += 4 + extra.readUInt16LE(e + 2)) {
      if (extra.readUInt16LE(e) !== 0x0001) continue;
      let field = e + 4;
      const next = (): number => {
        const value = field + 8 <= extra.length ? Number(extra.readBigUInt64LE(field)) : 0;
        field += 8;
        return value;
      };
      if (size === 0xffffffff) size = next();
      if (directory.readUInt32LE(at + 20) === 0xffffffff) next();
      if (localOffset === 0xffffffff) localOffset = next();
    }
    entries.push({
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      size,
      localOffset,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}
