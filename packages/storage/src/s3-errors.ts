import { IngestError, isIngestError } from '@ingestkit/contracts';

/** What the S3 store was doing when an SDK call failed; becomes the error's message and details. */
export interface S3ErrorContext {
  operation: string;
  bucket: string;
  key?: string;
}

const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound']);
const BAD_RANGE_NAMES = new Set(['InvalidRange']);
/** MinIO answers 507 `XMinioStorageFull` when its disks are full; AWS never runs out. */
const FULL_NAMES = new Set(['XMinioStorageFull']);
/** Wait suggested to uploaders after a full store (the gateway's `Retry-After`). */
const FULL_RETRY_AFTER_SECONDS = 60;

/**
 * Normalises an error from the AWS SDK (or from a put body) at the S3 store's boundary:
 *
 * - an `IngestError` passes through unchanged (e.g. a body's own `payload_too_large`);
 * - `NoSuchKey`, `NotFound` or any other 404 about an object → `not_found`;
 * - `InvalidRange` / 416 → `bad_request` (the range starts past the end of the object);
 * - `XMinioStorageFull` / 507 → `storage_full`;
 * - everything else, including `NoSuchBucket` (a misconfiguration, not a missing object),
 *   credentials and network failures, and 500/503/`SlowDown` that outlasted the SDK's retries
 *   → `storage_error` (retryable).
 *
 * The SDK error is kept as `cause`; details name the S3 error, the HTTP status and how many
 * tries the SDK made.
 */
export function toS3StoreError(err: unknown, context: S3ErrorContext): IngestError {
  if (isIngestError(err)) return err;
  const name = errorName(err);
  const status = httpStatusOf(err);
  const attempts = attemptsOf(err);
  const details = {
    bucket: context.bucket,
    key: context.key,
    s3Error: name,
    httpStatus: status,
    ...(attempts === undefined ? {} : { attempts }),
  };
  const where = context.key === undefined ? context.bucket : `${context.bucket}/${context.key}`;
  if (isS3NotFound(err)) {
    return new IngestError('not_found', `no object at ${where}`, { details, cause: err });
  }
  if (BAD_RANGE_NAMES.has(name ?? '') || status === 416) {
    return new IngestError('bad_request', `byte range not satisfiable for ${where}`, { details, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (FULL_NAMES.has(name ?? '') || status === 507) {
    return new IngestError('storage_full', `s3 ${context.operation} ${where}: the store is full: ${message}`, {
      details: { ...details, retryAfterSeconds: FULL_RETRY_AFTER_SECONDS },
      cause: err,
    });
  }
  return new IngestError('storage_error', `s3 ${context.operation} ${where} failed: ${name ?? 'Error'}: ${message}`, {
    details,
    cause: err,
  });
}

/** True when the SDK says the object (not the bucket) does not exist. */
export function isS3NotFound(err: unknown): boolean {
  const name = errorName(err);
  return name !== 'NoSuchBucket' && (NOT_FOUND_NAMES.has(name ?? '') || httpStatusOf(err) === 404);
}

function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : undefined;
}

/** Tries the SDK made before giving up (`$metadata.attempts`). */
function attemptsOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const attempts = (err as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
