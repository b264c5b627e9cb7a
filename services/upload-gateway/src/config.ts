import { z } from 'zod';
import {
  checkImageKitEnv,
  envInt,
  gatewayAuthEnv,
  imagekitEnv,
  imagekitSettingsFromEnv,
  limitsEnv,
  loadConfig,
  portsEnv,
  redisEnv,
  runtimeEnv,
  storageEnv,
  type Env,
} from '@ingestkit/runtime';
import type { DestinationKind } from '@ingestkit/contracts';
import { storeSettingsFromEnv } from '@ingestkit/storage';

/** The development API key, accepted only outside production and logged loudly when in use. */
export const DEV_API_KEY = 'dev-key';

const gatewayEnv = z
  .object({
    ...runtimeEnv.shape,
    ...redisEnv.shape,
    ...storageEnv.shape,
    ...limitsEnv.shape,
    ...gatewayAuthEnv.shape,
    ...portsEnv.shape,
    ...imagekitEnv.shape,
    /** URLs one `POST /v1/purge` may carry. */
    PURGE_MAX_URLS_PER_CALL: envInt({ min: 1, max: 10_000, default: 1_000 }),
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
  })
  .transform((env) => {
    const isDevKey = (env.API_KEYS ?? []).length === 0;
    const imagekit = imagekitSettingsFromEnv(env);
    return {
      env: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      http: { host: env.HOST, port: env.GATEWAY_PORT },
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
      auth: { apiKeys: isDevKey ? [DEV_API_KEY] : (env.API_KEYS ?? []), isDevKey },
      limits: { maxUploadBytes: env.MAX_UPLOAD_BYTES },
      defaultDestination: env.DEFAULT_DESTINATION,
      /** Destinations this deployment can deliver to: ImageKit only when its account is configured. */
      destinations: (imagekit ? ['local', 's3', 'imagekit'] : ['local', 's3']) as DestinationKind[],
      imagekit,
      purge: { maxUrlsPerCall: env.PURGE_MAX_URLS_PER_CALL },
      stores: storeSettingsFromEnv(env, { gatewayPort: env.GATEWAY_PORT }),
    };
  });

export type GatewayConfig = z.output<typeof gatewayEnv>;

export function loadGatewayConfig(env: Env): Readonly<GatewayConfig> {
  return loadConfig(gatewayEnv, env);
}
