import { z } from 'zod';
import {
  checkImageKitEnv,
  envInt,
  directUploadEnv,
  gatewayAuthEnv,
  httpEdgeEnv,
  httpEdgeFromEnv,
  imagekitEnv,
  imagekitSettingsFromEnv,
  limitsEnv,
  loadConfig,
  originalsEnv,
  originalsFromEnv,
  policiesEnv,
  policiesFromEnv,
  portsEnv,
  redisEnv,
  reprocessEnv,
  reprocessFromEnv,
  runtimeEnv,
  sourceFetchEnv,
  storageEnv,
  tusEnv,
  tusFromEnv,
  type Env,
} from '@ingestkit/runtime';
import type { DestinationKind } from '@ingestkit/contracts';
import { originalsStoreConfig, storeSettingsFromEnv } from '@ingestkit/storage';

/** The development API key, accepted only outside production and logged loudly when in use. */
export const DEV_API_KEY = 'dev-key';

/** The development signing secret (upload tokens, local upload URLs): never accepted in production. */
export const DEV_SIGNING_SECRET = 'dev-signing-secret-DO-NOT-USE-IN-PRODUCTION';

const gatewayEnv = z
  .object({
    ...runtimeEnv.shape,
    ...httpEdgeEnv.shape,
    ...redisEnv.shape,
    ...storageEnv.shape,
    ...limitsEnv.shape,
    ...gatewayAuthEnv.shape,
    ...portsEnv.shape,
    ...imagekitEnv.shape,
    /** URLs one `POST /v1/purge` may carry. */
    PURGE_MAX_URLS_PER_CALL: envInt({ min: 1, max: 10_000, default: 1_000 }),
    /** Ingest jobs waiting or delayed above which multipart uploads and jobs get 503 `backlog_full`; 0: no bound. */
    BACKPRESSURE_MAX_BACKLOG: envInt({ min: 0, max: 100_000_000, default: 100_000 }),
    ...directUploadEnv.shape,
    ...tusEnv.shape,
    ...sourceFetchEnv.shape,
    ...reprocessEnv.shape,
    ...originalsEnv.shape,
    // The worker's policies: the gateway reads only their `dedupe` default (see Asset.dedupe).
    ...policiesEnv.shape,
  })
  .superRefine((env, ctx) => {
    checkImageKitEnv(env, ctx);
    if (env.DEFAULT_DESTINATION === 'imagekit' && !imagekitSettingsFromEnv(env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEFAULT_DESTINATION'],
        message: 'imagekit needs IMAGEKIT_PRIVATE_KEY, IMAGEKIT_PUBLIC_KEY and IMAGEKIT_URL_ENDPOINT',
      });
    }
    if (env.NODE_ENV === 'production' && (env.API_KEYS ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['API_KEYS'], message: 'required in production (comma-separated keys)' });
    }
    if (env.NODE_ENV === 'production' && env.GATEWAY_SIGNING_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_SIGNING_SECRET'],
        message: 'required in production (32+ random characters)',
      });
    }
  })
  .transform((env, ctx) => {
    const isDevKey = (env.API_KEYS ?? []).length === 0;
    const imagekit = imagekitSettingsFromEnv(env);
    const gatewayHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
    return {
      env: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      http: { host: env.HOST, port: env.GATEWAY_PORT },
      edge: httpEdgeFromEnv(env),
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
      auth: {
        apiKeys: isDevKey ? [DEV_API_KEY] : (env.API_KEYS ?? []),
        isDevKey,
        adminKeys: env.ADMIN_API_KEYS ?? (isDevKey ? [DEV_API_KEY] : (env.API_KEYS ?? [])),
      },
      limits: { maxUploadBytes: env.MAX_UPLOAD_BYTES, maxBacklog: env.BACKPRESSURE_MAX_BACKLOG },
      /** Base URL clients reach the gateway at: the local store's signed upload URLs point here. */
      publicUrl: (env.PUBLIC_URL ?? `http://${gatewayHost}:${env.GATEWAY_PORT}`).replace(/\/+$/, ''),
      signing: {
        secret: env.GATEWAY_SIGNING_SECRET ?? DEV_SIGNING_SECRET,
        isDevSecret: env.GATEWAY_SIGNING_SECRET === undefined,
      },
      directUploads: {
        expiresInSeconds: env.PRESIGN_EXPIRES_SECONDS,
        abandonMultipartAfterSeconds: env.MULTIPART_ABANDON_AFTER_SECONDS,
      },
      staging: {
        orphanAfterSeconds: env.STAGING_ORPHAN_AFTER_SECONDS,
        /** An `awaiting_upload` asset older than this (its URL's lifetime plus the grace) expires. */
        expireAwaitingAfterSeconds: env.PRESIGN_EXPIRES_SECONDS + env.AWAITING_UPLOAD_GRACE_SECONDS,
      },
      tus: tusFromEnv(env),
      reprocess: reprocessFromEnv(env),
      cors: { origins: env.CORS_ORIGINS ?? [] },
      s3Events: { token: env.S3_EVENTS_TOKEN },
      rateLimit: { perMinute: env.RATE_LIMIT_PER_MINUTE },
      sources: {
        buckets: env.SOURCE_BUCKETS ?? [],
        /** Bucket imports list source buckets through the same S3 endpoint as the stores. */
        s3: {
          region: env.S3_REGION,
          forcePathStyle: env.S3_FORCE_PATH_STYLE,
          ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
        },
      },
      defaultDestination: env.DEFAULT_DESTINATION,
      /** Destinations this deployment can deliver to: ImageKit only when its account is configured. */
      destinations: (imagekit ? ['local', 's3', 'imagekit'] : ['local', 's3']) as DestinationKind[],
      imagekit,
      /** Configured policies (`POLICIES_FILE` / `POLICIES_JSON`), for their `dedupe` default. */
      policies: policiesFromEnv(env, ctx),
      purge: { maxUrlsPerCall: env.PURGE_MAX_URLS_PER_CALL },
      stores: storeSettingsFromEnv(env, { gatewayPort: env.GATEWAY_PORT }),
      /** The originals store the worker keeps originals in (undefined: `ORIGINALS_STORE=off`); the gateway only reads it. */
      originals: originalsStoreConfig(originalsFromEnv(env).placement, env),
    };
  });

export type GatewayConfig = z.output<typeof gatewayEnv>;

export function loadGatewayConfig(env: Env): Readonly<GatewayConfig> {
  return loadConfig(gatewayEnv, env);
}
