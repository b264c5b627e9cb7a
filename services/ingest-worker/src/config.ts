import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { throughputFor } from '@ingestkit/imaging';
import {
  checkImageKitEnv,
  checkNotifyEnv,
  httpEdgeEnv,
  httpEdgeFromEnv,
  imagekitEnv,
  imagekitSettingsFromEnv,
  limitsEnv,
  loadConfig,
  notifyEnv,
  notifySettingsFromEnv,
  imageIsolationEnv,
  originalsEnv,
  originalsFromEnv,
  policiesEnv,
  policiesFromEnv,
  portsEnv,
  redisEnv,
  runtimeEnv,
  sourceFetchEnv,
  stallSettingsFromEnv,
  storageEnv,
  workerEnv,
  type Env,
} from '@ingestkit/runtime';
import { originalsStoreConfig, storeSettingsFromEnv } from '@ingestkit/storage';

const ingestWorkerEnv = z
  .object({
    ...runtimeEnv.shape,
    ...httpEdgeEnv.shape,
    ...redisEnv.shape,
    ...storageEnv.shape,
    ...limitsEnv.shape,
    ...workerEnv.shape,
    // Unset: one image per core (throughputFor); the other services keep workerEnv's default.
    WORKER_CONCURRENCY: workerEnv.shape.WORKER_CONCURRENCY.unwrap().optional(),
    ...policiesEnv.shape,
    ...imageIsolationEnv.shape,
    ...portsEnv.shape,
    ...imagekitEnv.shape,
    ...notifyEnv.shape,
    ...sourceFetchEnv.shape,
    ...originalsEnv.shape,
  })
  .superRefine((env, ctx) => {
    checkImageKitEnv(env, ctx);
    checkNotifyEnv(env, ctx);
  })
  .transform((env, ctx) => ({
    logLevel: env.LOG_LEVEL,
    metricsHttp: { host: env.HOST, port: env.WORKER_METRICS_PORT },
    edge: httpEdgeFromEnv(env),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    concurrency: env.WORKER_CONCURRENCY ?? throughputFor(availableParallelism()).workerConcurrency,
    stalls: stallSettingsFromEnv(env),
    sharp: throughputFor(availableParallelism()),
    limits: {
      maxInputBytes: env.MAX_UPLOAD_BYTES,
      maxInputPixels: env.MAX_INPUT_PIXELS,
      maxInputFrames: env.MAX_INPUT_FRAMES,
      maxProgressivePixels: env.MAX_PROGRESSIVE_PIXELS,
      maxMetadataBytes: env.MAX_METADATA_BYTES,
      allowedFormats: env.ALLOWED_INPUT_FORMATS,
    },
    policies: policiesFromEnv(env, ctx),
    isolation: { mode: env.IMAGE_ISOLATION, maxMemoryMb: env.IMAGE_MEMORY_MB, timeoutMs: env.IMAGE_TIMEOUT_MS },
    stores: storeSettingsFromEnv(env, { gatewayPort: env.GATEWAY_PORT }),
    /** Where originals are kept after delivery (`store` undefined: `ORIGINALS_STORE=off`), and for how long. */
    originals: (() => {
      const settings = originalsFromEnv(env);
      return { ...settings, store: originalsStoreConfig(settings.placement, env) };
    })(),
    imagekit: imagekitSettingsFromEnv(env),
    notify: notifySettingsFromEnv(env),
    sources: {
      allowHosts: env.FETCH_ALLOW_HOSTS ?? [],
      buckets: env.SOURCE_BUCKETS ?? [],
      limits: {
        maxRedirects: env.FETCH_MAX_REDIRECTS,
        connectTimeoutMs: env.FETCH_CONNECT_TIMEOUT_MS,
        timeoutMs: env.FETCH_TIMEOUT_MS,
        maxBytes: env.MAX_UPLOAD_BYTES,
      },
      /** Source buckets are read through the same S3 endpoint as the stores. */
      s3: {
        region: env.S3_REGION,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
      },
    },
  }));

export type IngestWorkerConfig = z.output<typeof ingestWorkerEnv>;

export function loadIngestWorkerConfig(env: Env): Readonly<IngestWorkerConfig> {
  return loadConfig(ingestWorkerEnv, env);
}
