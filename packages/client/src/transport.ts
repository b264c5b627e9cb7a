import type { z } from 'zod';
import { errorFromResponse, IngestkitError } from './errors';
import { withRetries, type RetryOptions } from './retry';

/** How to reach the gateway. */
export interface ClientOptions {
  /** The gateway's base URL, e.g. `https://uploads.example.com`. */
  url: string;
  /** An API key (backends) or an upload token (browsers; upload routes only). */
  apiKey: string;
  retry?: RetryOptions;
  /** Per request, connection to answer headers (default 60 s; uploads use their own). */
  timeoutMs?: number;
  /** Injected in tests; default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Told about every retry (error and wait), for logs. */
  onRetry?: (err: unknown, delayMs: number) => void;
}

/** One API call. `body` is a factory: each attempt sends a fresh body (streams cannot be replayed). */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** Extra headers (`If-Match`). */
  headers?: Record<string, string>;
  body?: () => { body: Blob | ReadableStream<Uint8Array> | string; headers?: Record<string, string>; duplex?: 'half' };
  /** Sent as `Idempotency-Key`; POSTs without one get a fresh random key, the same on every retry. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** No timeout of its own (uploads that may take long); the signal still applies. */
  untimed?: boolean;
}

export type Transport = ReturnType<typeof createTransport>;

/**
 * The client's HTTP layer: bearer auth, JSON in and out, answers parsed with the contracts'
 * schemas, errors as {@link IngestkitError}, and retries that honour `Retry-After` (429,
 * `503 backlog_full`, dropped connections, an idempotent duplicate still in flight).
 */
export function createTransport(options: ClientOptions) {
  const send = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.url.replace(/\/+$/, '');

  async function once(request: ApiRequest, idempotencyKey: string | undefined): Promise<Response> {
    const url = new URL(`${base}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const made = request.body?.();
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.apiKey}`,
      ...(request.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      ...request.headers,
      ...made?.headers,
    };
    const signals = [request.signal, request.untimed ? undefined : AbortSignal.timeout(options.timeoutMs ?? 60_000)].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    // AbortSignal.any only when there are two: it is not free, and uploads have one at most.
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    let response: Response;
    try {
      response = await send(url, {
        method: request.method,
        headers,
        body: made?.body ?? (request.json === undefined ? undefined : JSON.stringify(request.json)),
        signal,
        ...(made?.duplex ? { duplex: made.duplex } : {}),
      } as RequestInit);
    } catch (err) {
      if (request.signal?.aborted) throw request.signal.reason;
      const timedOut = signal?.aborted === true;
      throw new IngestkitError({
        code: timedOut ? 'timeout' : 'network_error',
        message: `${request.method} ${request.path}: ${timedOut ? 'no answer in time' : (err as Error).message}`,
        cause: err,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** Sends a request (with retries) and returns the raw successful response. */
  async function raw(request: ApiRequest): Promise<Response> {
    const key = request.idempotencyKey ?? (request.method === 'POST' ? globalThis.crypto.randomUUID() : undefined);
    return withRetries(() => once(request, key), {
      ...options.retry,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
  }

  /** Sends a request and parses its JSON answer with `schema`. */
  async function json<S extends z.ZodType>(request: ApiRequest, schema: S): Promise<z.infer<S>> {
    const response = await raw(request);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new IngestkitError({
        code: 'invalid_response',
        status: response.status,
        message: `${request.method} ${request.path}: the answer does not match the API contract`,
        details: { issues: parsed.error.issues.slice(0, 5) },
      });
    }
    return parsed.data;
  }

  return { raw, json, once, baseUrl: base };
}
