/**
 * The one table of error codes: every error ingestkit reports carries one of these codes, and
 * the table says which HTTP status it maps to and whether a job that failed with it may retry.
 */
export const errorCodes = {
  bad_request: { status: 400, retryable: false },
  missing_file: { status: 400, retryable: false },
  too_many_files: { status: 400, retryable: false },
  upload_incomplete: { status: 400, retryable: false },
  url_not_purgeable: { status: 400, retryable: false },
  /** A direct upload was declared complete but its object is not in staging (yet). */
  upload_missing: { status: 409, retryable: false },
  /** A direct upload not completed before its URL expired (plus the grace period): its staging was removed. */
  upload_expired: { status: 410, retryable: false },
  unauthorized: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  /** A signed URL (local direct upload) whose signature does not match what was signed. */
  signature_invalid: { status: 403, retryable: false },
  /** A signed URL or upload token past its expiry. */
  url_expired: { status: 403, retryable: false },
  /** A single-use signed URL that was already used. */
  url_already_used: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  conflict: { status: 409, retryable: false },
  /** The asset has no kept original: originals are off, it expired, or the asset was not delivered yet. */
  original_unavailable: { status: 409, retryable: false },
  /** A tus request without `Tus-Resumable: 1.0.0` (tus answers 412 Precondition Failed). */
  tus_version_unsupported: { status: 412, retryable: false },
  /** The Idempotency-Key was used with another request, or its first request is still running. */
  idempotency_conflict: { status: 409, retryable: false },
  /** A body that must say its size up front (a part relayed to S3) came without `Content-Length`. */
  length_required: { status: 411, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  corrupt_image: { status: 422, retryable: false },
  pixel_limit_exceeded: { status: 422, retryable: false },
  /** A job source (URL or bucket) that ingestkit refuses to read: scheme, address, bucket. */
  source_forbidden: { status: 422, retryable: false },
  /** The source answered with a non-success status (404, 403, …). */
  source_failed: { status: 422, retryable: false },
  /** The source did not connect or finish within the configured time. */
  source_timeout: { status: 504, retryable: false },
  /** The source sent (or announced) more bytes than the cap. */
  source_too_large: { status: 413, retryable: false },
  /** The source host did not resolve or refused the connection: may be transient. */
  source_unreachable: { status: 502, retryable: true },
  /** An animation with more frames than the worker's frame cap (`MAX_INPUT_FRAMES`). */
  frame_limit_exceeded: { status: 422, retryable: false },
  /** JPEG APPn metadata segments above the worker's cap (`MAX_METADATA_BYTES`). */
  metadata_too_large: { status: 422, retryable: false },
  /** Decoding or encoding the image exhausted its process's memory or time limit, or crashed it. */
  resource_limit_exceeded: { status: 422, retryable: false },
  /** The upload named a policy this deployment does not define. */
  policy_unknown: { status: 422, retryable: false },
  rate_limited: { status: 429, retryable: true },
  internal_error: { status: 500, retryable: true },
  /**
   * A registry transition the lifecycle (`lifecycle.ts`) has no move for: a bug in the code that
   * asked for it, never the client's doing, so never retried.
   */
  lifecycle_violation: { status: 500, retryable: false },
  /** The object store failed or stayed unavailable through the SDK's own retries (S3 5xx, SlowDown, network). */
  storage_error: { status: 502, retryable: true },
  /**
   * The store has no space or quota left for the write (local ENOSPC/EDQUOT, MinIO
   * `XMinioStorageFull`). Nothing partial is kept; retry once space is freed.
   */
  storage_full: { status: 507, retryable: true },
  /** The store refuses writes: a read-only file system (EROFS) or no write permission (EACCES/EPERM). */
  storage_read_only: { status: 503, retryable: true },
  destination_error: { status: 502, retryable: true },
  dependency_unavailable: { status: 503, retryable: true },
  /** The job's worker process died (or hung) while running it, more often than `maxStalledCount` allows. */
  worker_lost: { status: 500, retryable: true },
  /** The gateway refuses new work while the ingest backlog is above its bound (`BACKPRESSURE_MAX_BACKLOG`). */
  backlog_full: { status: 503, retryable: true },
  timeout: { status: 504, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof errorCodes;

export const errorCodeList = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

export interface IngestErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The single error type of ingestkit. Packages throw it; only the HTTP error handler turns it
 * into a status and JSON body, and only the worker wrapper turns `retryable: false` into
 * BullMQ's `UnrecoverableError`.
 */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: IngestErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  get retryable(): boolean {
    return errorCodes[this.code].retryable;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}

/**
 * Classifies by shape, not by `instanceof`: errors that crossed a process or module boundary
 * (sandboxed processors, duplicated package copies) keep their `code` but lose their class.
 */
export function isIngestError(err: unknown): err is IngestError {
  return (
    err instanceof IngestError ||
    (err instanceof Error && err.name === 'IngestError' && isErrorCode((err as { code?: unknown }).code))
  );
}

/** Wraps anything thrown into an `IngestError`, keeping the original as `cause`. */
export function toIngestError(err: unknown, fallback: ErrorCode = 'internal_error'): IngestError {
  if (err instanceof IngestError) return err;
  if (isIngestError(err)) {
    return new IngestError(err.code, err.message, { details: err.details, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new IngestError(fallback, message, { cause: err });
}
