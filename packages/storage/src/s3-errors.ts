import { IngestError, isIngestError } from '@ingestkit/contracts';

/** What the S3 store was doing when an SDK call failed; becomes the error's message and details. */
export interface S3ErrorContext {
  operation: string;
  bucket: string;
  key?: string;
}

const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound']);
const BAD_RANGE_NAMES = new Set(['InvalidRange']);

/**
 * Normalises an error from the AWS SDK (or from a put body) at the S3 store's boundary:
 *
 * - an `IngestError` passes through unchanged (e.g. a body's own `payload_too_large`);
 * - `NoSuchKey`, `NotFound` or any other 404 about an object → `not_found`;
 * - `InvalidRange` / 416 → `bad_request` (the range starts past the end of the object);
 * - everything else, including `NoSuchBucket` (a misconfiguration, not a missing object),
 *   credentials and network failures → `storage_error`.
 *
 * The SDK error is kept as `cause`.
 */
export function toS3StoreError(err: unknown, context: S3ErrorContext): IngestError {
  if (isIngestError(err)) return err;
  const name = errorName(err);
  const status = httpStatusOf(err);
  const details = { bucket: context.bucket, key: context.key, s3Error: name, httpStatus: status };
  const where = context.key === undefined ? context.bucket : `${context.bucket}/${context.key}`;
  if (isS3NotFound(err)) {
    return new IngestError('not_found', `no object at ${where}`, { details, cause: err });
  }
  if (BAD_RANGE_NAMES.has(name ?? '') || status === 416) {
    return new IngestError('bad_request', `byte range not satisfiable for ${where}`, { details, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
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

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
