/**
 * Failures of the results volume (full, over quota, read-only, not permitted, failing disk), kept
 * apart from network errors so they get their own failure type and their own retry bound.
 */
import { BatchCancelError } from '../contract/errors';

/** errno codes that mean the results volume itself is the problem, not the download. */
const STORAGE_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'I/O error from the device',
  EFBIG: 'file too large for the filesystem',
  ENOTDIR: 'a path component is not a directory',
};

/** Thrown when the results store cannot be written; `path` is the file or directory it was writing. */
export class ResultsStorageError extends BatchCancelError {
  constructor(
    readonly code: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`${code} (${STORAGE_CODES[code] ?? 'filesystem error'}) writing ${path}`, { cause });
    this.name = 'ResultsStorageError';
  }
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for an fs error whose code says the volume is unwritable (as opposed to a missing file). */
export function isStorageErrno(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && code in STORAGE_CODES;
}

/** Wraps an fs error of the results volume; anything else is returned unchanged. */
export function asStorageError(err: unknown, path: string): unknown {
  if (err instanceof ResultsStorageError || !isStorageErrno(err)) return err;
  return new ResultsStorageError(errnoCode(err)!, path, err);
}

/** Runs an fs operation on `path`, turning volume failures into ResultsStorageError. */
export async function onVolume<T>(path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw asStorageError(err, path);
  }
}
