/** Fault injection settings; replace them at runtime with `Emulator.setFaults`. */
export interface FaultOptions {
  /** Share (0–1) of management API requests answered 429 with `X-RateLimit-*` headers. Uploads are exempt, as on ImageKit. */
  rateLimitRatio?: number;
  /** Share (0–1) of API and upload requests answered 500/502/503/504, some with non-JSON bodies. */
  serverErrorRatio?: number;
  /** Added delay before every response (CDN included), in milliseconds. */
  latencyMs?: number;
  /** Share (0–1) of API and upload requests delayed by `slowMs` more (slow answers, tripping client timeouts). */
  slowRatio?: number;
  /** The extra delay of a slow answer, in milliseconds; default 5000. */
  slowMs?: number;
  /**
   * Share (0–1) of API and upload requests whose connection is dropped: half before the request
   * is handled, half after (the work is done, e.g. the file stored, but the answer is lost).
   */
  dropRatio?: number;
  /** When true, every connection is destroyed without a response (clients see a connection error). */
  down?: boolean;
  /** Seed for the ratio draws, so a test sees the same sequence on every run. */
  seed?: number;
  /** Fail exactly the next `count` API/upload requests (uploads included) with `kind`, then behave normally. */
  failNext?: { count: number; kind: FaultKind };
  /** Adds `Retry-After: <seconds>` to injected 429s (the v7 SDK honours it; it ignores `X-RateLimit-Reset`). */
  retryAfterSeconds?: number;
}

/** The kinds of injected failure. */
export type FaultKind = 'rate-limit' | 'server-error' | 'non-json-error' | 'down' | 'lost-response';

/** Retry policy for webhook deliveries. */
export interface WebhookRetryOptions {
  /** Delays before each retry in ms; its length is the number of retries. Default: 5 s … 6 h (about 10 h in total). */
  delaysMs?: readonly number[];
  /** Per-attempt timeout in ms. Default 30 000, as ImageKit documents for extension callbacks. */
  timeoutMs?: number;
}

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 or omitted picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  privateKey: string;
  publicKey: string;
  /** The imagekitId used in `urlEndpoint` (`<url>/<imagekitId>`); default `emulator`. */
  imagekitId?: string;
  /** Where to POST webhook events; no deliveries when omitted. */
  webhookUrl?: string;
  /** The `whsec_…` secret both signature schemes are keyed with. Required when `webhookUrl` is set. */
  webhookSecret?: string;
  /** Only these event types are delivered (ImageKit's per-endpoint event filter); default all. */
  webhookEvents?: readonly string[];
  webhookRetry?: WebhookRetryOptions;
  /** How long a purge stays `Pending`; default 100 ms (the real service takes minutes). */
  purgeCompletesAfterMs?: number;
  /** Purge requests allowed in total before purges are refused (ImageKit: 1000 a month); default 1000. */
  purgeQuota?: number;
  /** Largest accepted upload in bytes; default 25 MB (ImageKit's free plan for images). */
  maxUploadBytes?: number;
  /**
   * When true the fake CDN behaves like one: the first response for a URL is cached and served
   * until a completed purge covers it, so stale content after an overwrite can be tested. Default false.
   */
  cdnCache?: boolean;
  faults?: FaultOptions;
}
