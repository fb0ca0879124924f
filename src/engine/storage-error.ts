import { KcError } from './errors';

/** What an operating-system error on a write means for the user, and what they can do about it. */
const REASONS: Record<string, { reason: string; advice: string }> = {
  ENOSPC: { reason: 'the disk is full', advice: 'free some space or choose another folder' },
  EDQUOT: { reason: 'the disk quota is used up', advice: 'free some space or choose another folder' },
  EFBIG: { reason: 'the file-size limit was reached', advice: 'raise the limit (ulimit -f) or write less' },
  EROFS: { reason: 'the file system is read-only', advice: 'choose a folder you can write to' },
  EACCES: { reason: 'permission denied', advice: 'choose a folder you can write to' },
  EPERM: { reason: 'permission denied', advice: 'choose a folder you can write to' },
  ENOTDIR: { reason: 'a part of the path is a file, not a folder', advice: 'choose another folder' },
};

/** The storage problem behind a failed write in words ("the disk is full (ENOSPC)"), or undefined for other errors. */
export function storageProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code && REASONS[code] ? `${REASONS[code].reason} (${code})` : undefined;
}

/**
 * A failed write as one line a user can act on (`cannot write <what>: the disk is full (ENOSPC); …`), or undefined
 * when the error is not about the storage (a bug, shown as such).
 */
export function storageError(error: unknown, what: string): KcError | undefined {
  const problem = storageProblem(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return problem && code
    ? new KcError(`cannot write ${what}: ${problem}; ${REASONS[code].advice}`, 'storage')
    : undefined;
}
