import { IngestError } from '@ingestkit/contracts';

/** A byte range of an object: `start` and the optional `end` are zero-based and inclusive. */
export interface ByteRange {
  start: number;
  end?: number;
}

/**
 * Checks a requested range before any I/O: `start` a non-negative safe integer, `end` (when
 * given) a safe integer `>= start`. Throws `IngestError('bad_request')` otherwise.
 *
 * Whether the range fits the object is checked by each driver, with the same rule as S3: an
 * `end` past the last byte is clamped to it, a `start` at or past the object's size is
 * unsatisfiable (`bad_request`).
 */
export function validateByteRange(range: ByteRange): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new IngestError('bad_request', `invalid byte range: start must be a non-negative integer`, {
      details: { start, end },
    });
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new IngestError('bad_request', `invalid byte range: end must be an integer >= start`, {
      details: { start, end },
    });
  }
  return range;
}

/** The HTTP `Range` header value for a validated range, e.g. `bytes=0-99` or `bytes=100-`. */
export function formatRangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end ?? ''}`;
}

/** The error every driver raises for a range that starts at or past the end of the object. */
export function unsatisfiableRange(key: string, range: ByteRange, options: { size?: number; cause?: unknown } = {}): IngestError {
  const { size, cause } = options;
  const sizeNote = size === undefined ? '' : ` (${size} bytes)`;
  return new IngestError('bad_request', `byte range not satisfiable for ${key}${sizeNote}`, {
    details: { key, start: range.start, end: range.end, size },
    cause,
  });
}
