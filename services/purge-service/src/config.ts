import { z } from 'zod';
import {
  envInt,
  httpEdgeEnv,
  httpEdgeFromEnv,
  imagekitEnv,
  imagekitSettingsFromEnv,
  loadConfig,
  portsEnv,
  purgeAllowanceEnv,
  purgeAllowanceFromEnv,
  redisEnv,
  runtimeEnv,
  stallSettingsFromEnv,
  workerStallEnv,
  type Env,
  type ImageKitSettings,
} from '@ingestkit/runtime';

const requiredImageKit = ['IMAGEKIT_PRIVATE_KEY', 'IMAGEKIT_PUBLIC_KEY', 'IMAGEKIT_URL_ENDPOINT'] as const;

const purgeServiceEnv = z
  .object({
    ...runtimeEnv.shape,
    ...httpEdgeEnv.shape,
    ...redisEnv.shape,
    ...imagekitEnv.shape,
    ...workerStallEnv.shape,
    ...purgeAllowanceEnv.shape,
    PURGE_METRICS_PORT: portsEnv.shape.PURGE_METRICS_PORT,
    /** How long requests are gathered before one plan is made, in ms. */
    PURGE_WINDOW_MS: envInt({ min: 10, max: 600_000, default: 2_000 }),
    /** Requests that end a window early; also the worker's concurrency (each request is one active job). */
    PURGE_BATCH_MAX: envInt({ min: 1, max: 1_000, default: 100 }),
    /** Purges allowed per UTC month (ImageKit: 1000); 0 holds every request. */
    PURGE_MONTHLY_BUDGET: envInt({ min: 0, max: 10_000_000, default: 1_000 }),
    /** How often in-flight purges are checked for completion; requests deferred behind one wait this long. */
    PURGE_POLL_MS: envInt({ min: 10, max: 3_600_000, default: 10_000 }),
    /** How long a request held for lack of budget waits before it is planned again. */
    PURGE_HELD_RETRY_MS: envInt({ min: 10, max: 86_400_000, default: 300_000 }),
    /** URLs under one prefix that justify one `prefix*` purge. */
    PURGE_COLLAPSE_THRESHOLD: envInt({ min: 2, max: 10_000, default: 5 }),
  })
  .superRefine((env, ctx) => {
    // The purge service exists only to call ImageKit: unlike the gateway, the account is required.
    for (const key of requiredImageKit) {
      if (env[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required by the purge service' });
    }
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    http: { host: env.HOST, port: env.PURGE_METRICS_PORT },
    edge: httpEdgeFromEnv(env),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    stalls: stallSettingsFromEnv(env),
    // superRefine guarantees the three keys, so the settings are defined.
    imagekit: imagekitSettingsFromEnv(env) as ImageKitSettings,
    purge: {
      windowMs: env.PURGE_WINDOW_MS,
      batchMax: env.PURGE_BATCH_MAX,
      monthlyBudget: env.PURGE_MONTHLY_BUDGET,
      collapseThreshold: env.PURGE_COLLAPSE_THRESHOLD,
      pollMs: env.PURGE_POLL_MS,
      heldRetryMs: env.PURGE_HELD_RETRY_MS,
    },
    allowance: purgeAllowanceFromEnv(env),
  }));

export type PurgeServiceConfig = z.output<typeof purgeServiceEnv>;

export function loadPurgeServiceConfig(env: Env): Readonly<PurgeServiceConfig> {
  return loadConfig(purgeServiceEnv, env);
}
