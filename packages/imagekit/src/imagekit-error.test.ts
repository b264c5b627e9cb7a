import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from '@imagekit/nodejs';
import { IngestError } from '@ingestkit/contracts';
import { retryAfterMsFrom, toImageKitError } from './imagekit-error';

const help = 'For support kindly contact us at support@imagekit.io .';

function apiError(status: number, message: string, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { message, help }, undefined, new Headers(headers));
}

describe('toImageKitError', () => {
  it.each([
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [409, 'conflict', false],
    [400, 'bad_request', false],
    [422, 'bad_request', false],
    [413, 'payload_too_large', false],
    [408, 'timeout', true],
    [500, 'destination_error', true],
    [503, 'destination_error', true],
  ] as const)('maps HTTP %i to %s (retryable %s), keeping ImageKit’s message', (status, code, retryable) => {
    const error = toImageKitError(apiError(status, 'The requested file does not exist.'));
    expect(error).toBeInstanceOf(IngestError);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`ImageKit ${status}: The requested file does not exist.`);
    expect(error.details).toMatchObject({ status });
    expect(error.cause).toBeInstanceOf(APIError);
  });

  it('maps 429 to rate_limited with retryAfterMs from X-RateLimit-Reset (ms)', () => {
    const error = toImageKitError(
      apiError(429, 'rate limited', { 'X-RateLimit-Limit': '10', 'X-RateLimit-Reset': '1500', 'X-RateLimit-Interval': '1000' }),
    );
    expect(error.cause).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, details: { status: 429, retryAfterMs: 1500 } });
  });

  it('takes the longest wait when Retry-After (seconds) and X-RateLimit-Reset disagree', () => {
    const error = toImageKitError(apiError(429, 'slow down', { 'Retry-After': '3', 'X-RateLimit-Reset': '1000' }));
    expect(error.details).toMatchObject({ retryAfterMs: 3000 });
  });

  it('leaves retryAfterMs out of a 429 without timing headers, so the queue’s backoff applies', () => {
    expect(toImageKitError(apiError(429, 'slow down')).details).not.toHaveProperty('retryAfterMs');
  });

  it('treats the “too many requests to update the file” 400 as rate limiting', () => {
    const error = toImageKitError(
      apiError(400, 'You have sent too many requests to update the file recently. Please try again later.'),
    );
    expect(error.cause).toBeInstanceOf(BadRequestError);
    expect(error.code).toBe('rate_limited');
  });

  it('treats the “file size exceeds limits” 400 as payload_too_large', () => {
    const error = toImageKitError(apiError(400, 'Your request contains invalid file parameter. The file size exceeds limits.'));
    expect(error.code).toBe('payload_too_large');
  });

  it('uses the SDK message when a 5xx body is not JSON', () => {
    const error = toImageKitError(APIError.generate(502, undefined, '<html>Bad Gateway</html>', new Headers()));
    expect(error.cause).toBeInstanceOf(InternalServerError);
    expect(error.code).toBe('destination_error');
    expect(error.message).toContain('502');
  });

  it('keeps ImageKit’s request id for support tickets', () => {
    const error = toImageKitError(apiError(500, 'boom', { 'x-ik-requestid': 'req-123' }));
    expect(error.details).toMatchObject({ imagekitRequestId: 'req-123' });
  });

  it('maps connection errors to destination_error and timeouts to timeout, both retryable', () => {
    const down = toImageKitError(new APIConnectionError({ message: 'Connection error.' }));
    expect(down).toMatchObject({ code: 'destination_error', retryable: true });
    const slow = toImageKitError(new APIConnectionTimeoutError());
    expect(slow).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('passes IngestErrors through and wraps anything else as internal_error', () => {
    const original = new IngestError('not_found', 'gone');
    expect(toImageKitError(original)).toBe(original);
    expect(toImageKitError(new TypeError('bug'))).toMatchObject({ code: 'internal_error', message: 'bug' });
  });
});

describe('retryAfterMsFrom', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads retry-after-ms, Retry-After seconds and Retry-After HTTP dates', () => {
    expect(retryAfterMsFrom(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': new Date(now + 5000).toUTCString() }), now)).toBe(5000);
  });

  it('ignores garbage and past dates', () => {
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'soon', 'x-ratelimit-reset': '-5' }), now)).toBeUndefined();
    expect(retryAfterMsFrom(new Headers({ 'retry-after': new Date(now - 5000).toUTCString() }), now)).toBeUndefined();
    expect(retryAfterMsFrom(undefined)).toBeUndefined();
  });
});
