import { z } from 'zod';
import { DestinationKind, ImageFormat } from '@ingestkit/contracts';
import { standardWebhookSecretPattern } from '../webhook-signing';
import { envBoolean, envInt, envList } from './env-types';

/**
 * Environment fragments. Each service composes the ones it needs in its own `config.ts`
 * (`z.object({ ...runtimeEnv.shape, ...redisEnv.shape })`) and maps them to its config object.
 * `.env.example` at the repo root documents every key.
 */
export const runtimeEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: envInt({ min: 1_000, max: 600_000, default: 25_000 }),
});

export const redisEnv = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')
    .default('ingestkit'),
});

export const storageEnv = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  STAGING_STORE: z.enum(['local', 's3']).default('local'),
  DEFAULT_DESTINATION: DestinationKind.default('local'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: envBoolean(false),
  S3_STAGING_BUCKET: z.string().min(3).default('ingestkit-staging'),
  S3_ASSETS_BUCKET: z.string().min(3).default('ingestkit-assets'),
  /** Public base URL under which delivered S3 objects are served (a CDN); default: the bucket URL. */
  S3_PUBLIC_URL: z.url().optional(),
  /** Public base URL of the gateway, used for the URLs of files on the local destination. */
  PUBLIC_URL: z.url().optional(),
});

/** 512 MiB: large camera RAW-to-TIFF exports fit; anything larger is almost surely a mistake. */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * The ImageKit account. All of the first three or none: without them the `imagekit`
 * destination is off. `IMAGEKIT_BASE_URL` points the SDK at the emulator (`npm run emulator`).
 */
export const imagekitEnv = z.object({
  IMAGEKIT_PRIVATE_KEY: z.string().min(1).optional(),
  IMAGEKIT_PUBLIC_KEY: z.string().min(1).optional(),
  IMAGEKIT_URL_ENDPOINT: z.url().optional(),
  IMAGEKIT_BASE_URL: z.url().optional(),
  IMAGEKIT_WEBHOOK_SECRET: z.string().min(1).optional(),
});

export interface ImageKitSettings {
  privateKey: string;
  publicKey: string;
  urlEndpoint: string;
  baseURL?: string;
}

const imagekitRequired = ['IMAGEKIT_PRIVATE_KEY', 'IMAGEKIT_PUBLIC_KEY', 'IMAGEKIT_URL_ENDPOINT'] as const;

/** Adds an issue for each missing key when ImageKit is half-configured; use in `superRefine`. */
export function checkImageKitEnv(env: z.output<typeof imagekitEnv>, ctx: z.RefinementCtx): void {
  const missing = imagekitRequired.filter((key) => env[key] === undefined);
  if (missing.length > 0 && missing.length < imagekitRequired.length) {
    for (const key of missing) ctx.addIssue({ code: 'custom', path: [key], message: 'required when any IMAGEKIT_* key is set' });
  }
}

/** The ImageKit settings, or undefined when the account is not configured. */
export function imagekitSettingsFromEnv(env: z.output<typeof imagekitEnv>): ImageKitSettings | undefined {
  if (!env.IMAGEKIT_PRIVATE_KEY || !env.IMAGEKIT_PUBLIC_KEY || !env.IMAGEKIT_URL_ENDPOINT) return undefined;
  return {
    privateKey: env.IMAGEKIT_PRIVATE_KEY,
    publicKey: env.IMAGEKIT_PUBLIC_KEY,
    urlEndpoint: env.IMAGEKIT_URL_ENDPOINT,
    ...(env.IMAGEKIT_BASE_URL ? { baseURL: env.IMAGEKIT_BASE_URL } : {}),
  };
}

/**
 * Validation limits of the worker (each refusal has its own error code): bytes, pixels
 * (frames summed), frames of an animation, pixels of a progressive JPEG (decoded whole, not
 * streamed), bytes of JPEG metadata segments, and the input formats accepted by content.
 */
export const limitsEnv = z.object({
  MAX_UPLOAD_BYTES: envInt({ min: 1, default: DEFAULT_MAX_UPLOAD_BYTES }),
  MAX_INPUT_PIXELS: envInt({ min: 1, default: 50_000_000 }),
  MAX_INPUT_FRAMES: envInt({ min: 1, max: 100_000, default: 250 }),
  MAX_PROGRESSIVE_PIXELS: envInt({ min: 1, default: 25_000_000 }),
  MAX_METADATA_BYTES: envInt({ min: 0, default: 1024 * 1024 }),
  ALLOWED_INPUT_FORMATS: envList.pipe(z.array(ImageFormat).min(1)).default([...ImageFormat.options]),
});

/**
 * Where the worker decodes and encodes images: `process` (default) in a pool of child
 * processes, each with its own memory cap (`IMAGE_MEMORY_MB`, Linux `ulimit -d`) and time
 * limit per image (`IMAGE_TIMEOUT_MS`), so one hostile file cannot take down other jobs;
 * `none` in the worker process itself (development, tools).
 */
export const imageIsolationEnv = z.object({
  IMAGE_ISOLATION: z.enum(['process', 'none']).default('process'),
  IMAGE_MEMORY_MB: envInt({ min: 0, max: 1_048_576, default: 2048 }),
  IMAGE_TIMEOUT_MS: envInt({ min: 1_000, max: 3_600_000, default: 120_000 }),
});

export const gatewayAuthEnv = z.object({
  API_KEYS: envList.optional(),
  /** Keys for Bull Board and the admin routes; unset: the API keys. */
  ADMIN_API_KEYS: envList.optional(),
});

/**
 * Job consumers. Stall detection: a worker renews the lock of each job it runs every
 * `WORKER_LOCK_MS / 2`; a job whose lock lapses (its process died, or its event loop was stuck
 * for `WORKER_LOCK_MS`) is found by another worker's check, run every `WORKER_STALLED_INTERVAL_MS`,
 * and put back to wait. So a killed worker's jobs resume within lock + interval (60 s by default);
 * a job that stalls more than `WORKER_MAX_STALLS` times is failed with `worker_lost` instead of
 * looping. Image work runs in child processes, so the worker's event loop is never blocked for
 * long and a shorter lock is safe; it only costs more Redis writes.
 */
export const workerStallEnv = z.object({
  WORKER_LOCK_MS: envInt({ min: 1_000, max: 600_000, default: 30_000 }),
  WORKER_STALLED_INTERVAL_MS: envInt({ min: 1_000, max: 600_000, default: 30_000 }),
  WORKER_MAX_STALLS: envInt({ min: 0, max: 100, default: 2 }),
});

export const workerEnv = z.object({
  WORKER_CONCURRENCY: envInt({ min: 1, max: 64, default: 2 }),
  ...workerStallEnv.shape,
});

/** Stall detection of a job consumer (see {@link workerStallEnv}). */
export interface StallSettings {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

/** The stall settings {@link workerStallEnv} describes, as `createStageWorker` and `stallOptionsFor` take them. */
export function stallSettingsFromEnv(env: z.output<typeof workerStallEnv>): StallSettings {
  return {
    lockDurationMs: env.WORKER_LOCK_MS,
    stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: env.WORKER_MAX_STALLS,
  };
}

export const portsEnv = z.object({
  GATEWAY_PORT: envInt({ min: 0, max: 65_535, default: 8080 }),
  WEBHOOK_PORT: envInt({ min: 0, max: 65_535, default: 8081 }),
  WORKER_METRICS_PORT: envInt({ min: 0, max: 65_535, default: 9101 }),
  PURGE_METRICS_PORT: envInt({ min: 0, max: 65_535, default: 9102 }),
});

/**
 * Notifications to backend apps: `asset.ready`, `asset.rejected`, `asset.failed`,
 * `asset.deleted` and `asset.version.created` POSTed to `NOTIFY_URL`, signed with `NOTIFY_SECRET` (Standard Webhooks).
 * Without `NOTIFY_URL` nothing is sent.
 */
export const notifyEnv = z.object({
  NOTIFY_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  NOTIFY_SECRET: z.string().regex(standardWebhookSecretPattern, 'expected whsec_ and a base64 key of 16+ bytes').optional(),
});

export interface NotifySettings {
  url: string;
  secret: string;
}

/** Adds an issue naming `NOTIFY_SECRET` when `NOTIFY_URL` is set without it; use in `superRefine`. */
export function checkNotifyEnv(env: z.output<typeof notifyEnv>, ctx: z.RefinementCtx): void {
  if (env.NOTIFY_URL !== undefined && env.NOTIFY_SECRET === undefined) {
    ctx.addIssue({ code: 'custom', path: ['NOTIFY_SECRET'], message: 'required when NOTIFY_URL is set' });
  }
}

/** The notification target, or undefined when notifications are off. */
export function notifySettingsFromEnv(env: z.output<typeof notifyEnv>): NotifySettings | undefined {
  return env.NOTIFY_URL && env.NOTIFY_SECRET ? { url: env.NOTIFY_URL, secret: env.NOTIFY_SECRET } : undefined;
}
