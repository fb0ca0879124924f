import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` so that it holds either its old content or all of the new, never a part: the bytes go to a
 * uniquely named temporary file in the same folder (same file system, so the rename is atomic), are flushed to disk,
 * then renamed over the target. A process killed mid-write leaves the old file and a stray `.*.tmp`; two writers to one
 * file leave one whole file (the last rename wins). An existing file keeps its permissions.
 */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  const target = path.resolve(file);
  // The name is cut so that the temporary name stays under the usual 255-byte limit.
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target).slice(0, 100)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const previous = await stat(target).catch(() => undefined);
  try {
    const handle = await open(temp, 'wx');
    try {
      if (previous) await handle.chmod(previous.mode & 0o7777);
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
