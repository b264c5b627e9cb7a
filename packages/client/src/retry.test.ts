import { IngestkitError, parseRetryAfter } from './errors';
import { isRetryable, retryDelayMs, withRetries } from './retry';

const error = (code: string, extra: Partial<ConstructorParameters<typeof IngestkitError>[0]> = {}) =>
  new IngestkitError({ code, message: code, ...extra });

describe('retries', () => {
  it('retries network errors, backlog_full, 429 and in-flight duplicates, not client errors', () => {
    expect(isRetryable(error('network_error'))).toBe(true);
    expect(isRetryable(error('backlog_full', { status: 503 }))).toBe(true);
    expect(isRetryable(error('rate_limited', { status: 429 }))).toBe(true);
    expect(isRetryable(error('idempotency_conflict', { details: { reason: 'in_flight' } }))).toBe(true);
    expect(isRetryable(error('idempotency_conflict', { details: { reason: 'different_request' } }))).toBe(false);
    expect(isRetryable(error('payload_too_large', { status: 413 }))).toBe(false);
    expect(isRetryable(new Error('boom'))).toBe(false);
  });

  it('waits what Retry-After asks (capped), else a jittered exponential backoff', () => {
    expect(retryDelayMs(error('backlog_full', { retryAfterMs: 30_000 }), 1, {})).toBe(30_000);
    expect(retryDelayMs(error('backlog_full', { retryAfterMs: 90_000 }), 1, { maxDelayMs: 5_000 })).toBe(5_000);
    expect(retryDelayMs(error('network_error'), 3, { baseDelayMs: 100 }, () => 0)).toBe(200);
    expect(retryDelayMs(error('network_error'), 3, { baseDelayMs: 100 }, () => 1)).toBe(400);
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('gives up after the retries allowed, and at once on a permanent error', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(error('network_error'));
    };
    await expect(withRetries(failing, { retries: 2, baseDelayMs: 1 })).rejects.toMatchObject({ code: 'network_error' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(() => (calls++, Promise.reject(error('unauthorized'))), { retries: 5 })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(calls).toBe(1);
  });
});
