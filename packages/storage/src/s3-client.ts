import { S3Client } from '@aws-sdk/client-s3';

export type { S3Client } from '@aws-sdk/client-s3';

/**
 * Tries per S3 request, the first included (the SDK's default is 3). Throttling (`SlowDown`,
 * 429), 500/502/503/504 and dropped connections are retried by the SDK with jittered
 * exponential backoff — 1 s base for throttling, 50 ms otherwise, at most 20 s per wait — so
 * five tries ride out up to ~15 s of SlowDown. When they run out the store throws a retryable
 * `storage_error` and the job's own backoff (minutes) takes over.
 */
export const S3_MAX_ATTEMPTS = 5;

/** Options of {@link createS3Client}; all come from configuration, never from the environment here. */
export interface S3ClientOptions {
  /** Custom endpoint for S3-compatible stores (MinIO, s3rver), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`); needed by MinIO and s3rver. */
  forcePathStyle?: boolean;
  /** Static credentials; when absent the SDK's default provider chain is used (env, profile, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Tries per request (default {@link S3_MAX_ATTEMPTS}); tests lower it to exhaust retries quickly. */
  maxAttempts?: number;
  /** How long a connection may sit without a byte either way before the try fails (default 60 s); tests lower it. */
  idleTimeoutMs?: number;
}

/** A TCP connection to S3 must open within this time, or the try fails and is retried. */
const CONNECT_TIMEOUT_MS = 5_000;
/** A request whose socket sees no byte for this long is abandoned and retried (a hung server must not hold a job for ever). */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Builds the one `S3Client` a process uses for its object store.
 *
 * Retries: `standard` mode with {@link S3_MAX_ATTEMPTS} tries, set here rather than read from
 * `AWS_MAX_ATTEMPTS`/`AWS_RETRY_MODE`, so every deployment retries alike. Not `adaptive`: its
 * client-side rate limiter is shared by every request of the client, so one throttled prefix
 * would slow all reads, writes and readiness probes of the process; S3 throttles per prefix
 * and our keys spread over one prefix per asset, and the worker queue already backs off.
 *
 * Checksums: the client computes and validates them only where the S3 API requires them
 * (`requestChecksumCalculation`/`responseChecksumValidation: 'WHEN_REQUIRED'`), because the
 * SDK's newer default adds CRC32 checksums to every request, which some S3-compatible servers
 * reject and which would end up in presigned PUT URLs that browsers cannot satisfy. The store
 * asks for them explicitly instead: SHA-256 on its own puts, validation on its own gets (see
 * `createS3Store`).
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? S3_MAX_ATTEMPTS,
    retryMode: 'standard',
    // Idle, not total: a large upload streams for minutes but never goes quiet for a minute.
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
