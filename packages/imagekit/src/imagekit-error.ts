import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@imagekit/nodejs';
import { type ErrorCode, IngestError, isIngestError, toIngestError } from '@ingestkit/contracts';

/** ImageKit answers this 400 when one path is overwritten too often: a rate limit in all but status. */
const UPDATE_THROTTLED = /too many requests to update the file/i;
const FILE_TOO_LARGE = /file size exceeds limits/i;

/**
 * How long a 429 asks the client to wait, in ms, or `undefined` when no header says.
 * `retry-after-ms` is ms; `Retry-After` is seconds or an HTTP date; ImageKit's `X-RateLimit-Reset`
 * is ms to wait (CONTRACTS §5). When several are present the longest wait wins.
 */
export function retryAfterMsFrom(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const waits: number[] = [];
  const add = (ms: number) => {
    if (Number.isFinite(ms) && ms >= 0) waits.push(Math.ceil(ms));
  };
  const retryAfterMs = headers.get('retry-after-ms');
  if (retryAfterMs) add(Number(retryAfterMs));
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    add(Number.isNaN(seconds) ? Date.parse(retryAfter) - now : seconds * 1000);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset) add(Number(reset));
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

function codeFor(status: number, message: string): ErrorCode {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 408) return 'timeout';
  if (status === 413) return 'payload_too_large';
  if (status === 400 && UPDATE_THROTTLED.test(message)) return 'rate_limited';
  if (status === 400 && FILE_TOO_LARGE.test(message)) return 'payload_too_large';
  if (status >= 500) return 'destination_error';
  return 'bad_request';
}

/** ImageKit's `{message, help}` body text, else the SDK's own message. */
function imageKitMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' && body.message !== '' ? body.message : err.message;
}

/**
 * Normalises anything the ImageKit SDK throws into an `IngestError`, keeping ImageKit's message.
 *
 * - 429 → `rate_limited`, with `details.retryAfterMs` when a header says how long to wait;
 * - 401/403/404/409 → `unauthorized`/`forbidden`/`not_found`/`conflict`; other 4xx → `bad_request`
 *   (413 and "file size exceeds limits" → `payload_too_large`; the "too many requests to update the file" 400 → `rate_limited`);
 * - 5xx and connection failures → `destination_error`, client timeouts → `timeout` (both retryable).
 *
 * `details` carries `status` and ImageKit's `x-ik-requestid` when present. `IngestError`s pass through.
 */
export function toImageKitError(err: unknown): IngestError {
  if (isIngestError(err)) return toIngestError(err);
  if (err instanceof APIConnectionTimeoutError) {
    return new IngestError('timeout', `ImageKit request timed out: ${err.message}`, { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new IngestError('destination_error', `ImageKit unreachable: ${err.message}`, { cause: err });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const message = imageKitMessage(err);
    const code = codeFor(err.status, message);
    const details: Record<string, unknown> = { status: err.status };
    const requestId = err.headers?.get('x-ik-requestid');
    if (requestId) details.imagekitRequestId = requestId;
    if (code === 'rate_limited') {
      const retryAfterMs = retryAfterMsFrom(err.headers);
      if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
    }
    return new IngestError(code, `ImageKit ${err.status}: ${message}`, { details, cause: err });
  }
  return toIngestError(err, 'internal_error');
}
