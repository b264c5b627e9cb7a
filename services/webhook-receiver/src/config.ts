import { z } from 'zod';
import type { ImageKitWebhookScheme } from '@ingestkit/imagekit';
import {
  envInt,
  envList,
  httpEdgeEnv,
  httpEdgeFromEnv,
  loadConfig,
  portsEnv,
  redisEnv,
  runtimeEnv,
  stallSettingsFromEnv,
  workerEnv,
  type Env,
} from '@ingestkit/runtime';

const schemes = ['standard', 'ik-signature'] as const satisfies readonly ImageKitWebhookScheme[];

const webhookReceiverEnv = z
  .object({
    ...runtimeEnv.shape,
    ...httpEdgeEnv.shape,
    ...redisEnv.shape,
    ...workerEnv.shape,
    WEBHOOK_PORT: portsEnv.shape.WEBHOOK_PORT,
    /** Comma-separated `whsec_…` secrets: the current one plus, during a rotation, the previous ones. */
    IMAGEKIT_WEBHOOK_SECRET: envList.pipe(
      z.array(z.string()).min(1, 'required: the whsec_… secret of the ImageKit webhook endpoint'),
    ),
    WEBHOOK_SCHEMES: envList
      .pipe(z.array(z.enum(schemes, { error: `expected a comma-separated list of ${schemes.join(', ')}` })).min(1))
      .default([...schemes]),
    /** How long an event id is remembered; ImageKit retries for about a day, so a week is ample. */
    WEBHOOK_DEDUPE_TTL_SECONDS: envInt({ min: 60, max: 90 * 24 * 3600, default: 7 * 24 * 3600 }),
    /** Allowed clock difference either way for signature timestamps. */
    WEBHOOK_TOLERANCE_SECONDS: envInt({ min: 1, max: 3600, default: 300 }),
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    http: { host: env.HOST, port: env.WEBHOOK_PORT },
    edge: httpEdgeFromEnv(env),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    concurrency: env.WORKER_CONCURRENCY,
    stalls: stallSettingsFromEnv(env),
    webhook: {
      secrets: env.IMAGEKIT_WEBHOOK_SECRET,
      schemes: [...new Set(env.WEBHOOK_SCHEMES)],
      dedupeTtlSeconds: env.WEBHOOK_DEDUPE_TTL_SECONDS,
      toleranceMs: env.WEBHOOK_TOLERANCE_SECONDS * 1000,
    },
  }));

export type WebhookReceiverConfig = z.output<typeof webhookReceiverEnv>;

export function loadWebhookReceiverConfig(env: Env): Readonly<WebhookReceiverConfig> {
  return loadConfig(webhookReceiverEnv, env);
}
