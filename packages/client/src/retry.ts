import { isIngestkitError } from './errors';

/** How a call is retried. Every POST carries an Idempotency-Key, so retrying one is safe. */
export interface RetryOptions {
  /** Retries after the first try (default 5). */
  retries?: number;
  /** First backoff (default 250 ms); doubles per retry, with full jitter. */
  baseDelayMs?: number;
  /** Longest backoff, and longest `Retry-After` honoured (default 30 s). */
  maxDelayMs?: number;
}

/** API codes worth another try: the table's retryable codes, plus a duplicate still in flight. */
const retryableCodes = new Set([
  'network_error',
  'timeout',
  'backlog_full',
  'dependency_unavailable',
  'rate_limited',
  'internal_error',
  'storage_error',
  'storage_full',
  'storage_read_only',
  'destination_error',
]);

/** Whether an error is worth retrying: network failures, 429, 5xx, and `idempotency_conflict` while in flight. */
export function isRetryable(err: unknown): boolean {
  if (!isIngestkitError(err)) return false;
  if (err.code === 'idempotency_conflict') return err.details?.reason === 'in_flight';
  if (retryableCodes.has(err.code)) return true;
  return err.code === 'invalid_response' && (err.status === undefined || err.status >= 500);
}

/** The wait before retry number `attempt` (1-based): the server's `Retry-After` when it sent one, else jittered backoff. */
export function retryDelayMs(err: unknown, attempt: number, options: RetryOptions, random = Math.random): number {
  const max = options.maxDelayMs ?? 30_000;
  if (isIngestkitError(err) && err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, max);
  const ceiling = Math.min(max, (options.baseDelayMs ?? 250) * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or retries run out.
 * `onRetry` hears about each retry (for logs and progress).
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions & { signal?: AbortSignal; onRetry?: (err: unknown, delayMs: number) => void },
): Promise<T> {
  const retries = options.retries ?? 5;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (err) {
      if (options.signal?.aborted || n > retries || !isRetryable(err)) throw err;
      const delay = retryDelayMs(err, n, options);
      options.onRetry?.(err, delay);
      await sleep(delay, options.signal);
    }
  }
}
