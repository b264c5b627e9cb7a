import { IngestError, isIngestError } from '@ingestkit/contracts';

/**
 * What an uploader is told to wait (`Retry-After`) after a full or read-only store: freeing
 * space or remounting takes an operator or the pipeline draining staging, not milliseconds.
 */
export const STORAGE_FAULT_RETRY_AFTER_SECONDS = 60;

/** What the local store was doing when the filesystem failed; becomes the error's message and details. */
export interface LocalErrorContext {
  /** e.g. `put a/b.jpg`. */
  operation: string;
  key?: string;
  /** Writes (put, delete, ping) may meet a full or read-only disk; reads only report it as storage_error. */
  isWrite: boolean;
}

/** No space or quota left: the write cannot succeed until space is freed. */
const FULL_ERRNOS = new Set(['ENOSPC', 'EDQUOT']);
/** The file system refuses writes: mounted read-only, or this process may not write there. */
const READ_ONLY_ERRNOS = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * Normalises a filesystem error at the local store's boundary:
 *
 * - an `IngestError` passes through unchanged (ours, or a put body's own);
 * - ENOSPC/EDQUOT → `storage_full` (507); on a write, EROFS/EACCES/EPERM → `storage_read_only`
 *   (503); both retryable, with `retryAfterSeconds` in details (the gateway's `Retry-After`);
 * - anything else → `storage_error`.
 *
 * The errno is kept in details and the original error as `cause`.
 */
export function toLocalStoreError(err: unknown, context: LocalErrorContext): IngestError {
  if (isIngestError(err)) return err;
  const errno = errnoOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const details = { ...(context.key === undefined ? {} : { key: context.key }), ...(errno ? { errno } : {}) };
  if (errno && FULL_ERRNOS.has(errno)) {
    return new IngestError('storage_full', `local store: ${context.operation}: no space left (${errno})`, {
      details: { ...details, retryAfterSeconds: STORAGE_FAULT_RETRY_AFTER_SECONDS },
      cause: err,
    });
  }
  if (errno && context.isWrite && READ_ONLY_ERRNOS.has(errno)) {
    return new IngestError('storage_read_only', `local store: ${context.operation}: the store refuses writes (${errno})`, {
      details: { ...details, retryAfterSeconds: STORAGE_FAULT_RETRY_AFTER_SECONDS },
      cause: err,
    });
  }
  return new IngestError('storage_error', `local store: ${context.operation} failed: ${message}`, {
    ...(Object.keys(details).length > 0 ? { details } : {}),
    cause: err,
  });
}

/** The `code` of a Node.js system error (`ENOENT`, `ENOSPC`…), if it is one. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
