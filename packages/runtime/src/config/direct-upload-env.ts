import { z } from 'zod';
import { envInt, envList } from './env-types';

/**
 * The gateway's browser-facing settings: upload tokens and local signed URLs share one signing
 * secret (required in production, like API keys), presigned uploads expire after
 * `PRESIGN_EXPIRES_SECONDS`, `CORS_ORIGINS` lists the origins browsers may call from, and
 * `S3_EVENTS_TOKEN` is the bearer MinIO/S3 notifications must present on `/v1/events/s3`.
 */
export const directUploadEnv = z.object({
  GATEWAY_SIGNING_SECRET: z.string().min(32, 'at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  PRESIGN_EXPIRES_SECONDS: envInt({ min: 1, max: 7 * 24 * 3600, default: 900 }),
  /**
   * A direct upload not completed within its URL's lifetime plus this many seconds expires: its
   * staging is removed and its asset `rejected` (`upload_expired`). The grace lets an upload
   * started just before expiry finish and be completed. Multipart uploads are left to
   * `MULTIPART_ABANDON_AFTER_SECONDS`.
   */
  AWAITING_UPLOAD_GRACE_SECONDS: envInt({ min: 0, max: 7 * 24 * 3600, default: 3600 }),
  CORS_ORIGINS: envList.optional(),
  S3_EVENTS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** Requests per minute per API key and per upload token; 0: off. */
  RATE_LIMIT_PER_MINUTE: envInt({ min: 0, default: 6000 }),
  /** Multipart uploads (Uppy) not completed after this many seconds are aborted by the gateway's sweeper. */
  MULTIPART_ABANDON_AFTER_SECONDS: envInt({ min: 60, max: 30 * 24 * 3600, default: 24 * 3600 }),
  /**
   * What a crashed process left in staging (temp files, objects of assets never recorded) and
   * `queued` assets without a job are cleaned up or queued again once untouched this long.
   */
  STAGING_ORPHAN_AFTER_SECONDS: envInt({ min: 1, max: 30 * 24 * 3600, default: 3600 }),
});

/**
 * Server-side job sources (`POST /v1/jobs`): which S3 buckets may be read, and the limits of
 * URL fetches. `FETCH_ALLOW_HOSTS` lists host names or CIDRs that bypass the private-address
 * guard (an internal image server); keep it empty unless you need it.
 */
export const sourceFetchEnv = z.object({
  SOURCE_BUCKETS: envList.optional(),
  FETCH_ALLOW_HOSTS: envList.optional(),
  FETCH_MAX_REDIRECTS: envInt({ min: 0, max: 20, default: 5 }),
  FETCH_CONNECT_TIMEOUT_MS: envInt({ min: 10, max: 120_000, default: 5_000 }),
  FETCH_TIMEOUT_MS: envInt({ min: 100, max: 3_600_000, default: 120_000 }),
});
