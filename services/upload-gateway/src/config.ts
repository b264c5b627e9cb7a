import { z } from 'zod';
import { gatewayAuthEnv, limitsEnv, loadConfig, portsEnv, redisEnv, runtimeEnv, storageEnv, type Env } from '@ingestkit/runtime';
import type { DestinationKind } from '@ingestkit/contracts';
import { storeSettingsFromEnv } from '@ingestkit/storage';

/** The development API key, accepted only outside production and logged loudly when in use. */
export const DEV_API_KEY = 'dev-key';

/** Destinations the workers can deliver to in this release; ImageKit arrives with its adapter. */
export const availableDestinations: readonly DestinationKind[] = ['local', 's3'];

const gatewayEnv = z
  .object({
    ...runtimeEnv.shape,
    ...redisEnv.shape,
    ...storageEnv.shape,
    ...limitsEnv.shape,
    ...gatewayAuthEnv.shape,
    ...portsEnv.shape,
  })
  .superRefine((env, ctx) => {
    if (!availableDestinations.includes(env.DEFAULT_DESTINATION)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEFAULT_DESTINATION'],
        message: `one of ${availableDestinations.join(', ')} (ImageKit is not available yet)`,
      });
    }
    if (env.NODE_ENV === 'production' && (env.API_KEYS ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['API_KEYS'], message: 'required in production (comma-separated keys)' });
    }
  })
  .transform((env) => {
    const isDevKey = (env.API_KEYS ?? []).length === 0;
    return {
      env: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      http: { host: env.HOST, port: env.GATEWAY_PORT },
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
      auth: { apiKeys: isDevKey ? [DEV_API_KEY] : (env.API_KEYS ?? []), isDevKey },
      limits: { maxUploadBytes: env.MAX_UPLOAD_BYTES },
      defaultDestination: env.DEFAULT_DESTINATION,
      stores: storeSettingsFromEnv(env, { gatewayPort: env.GATEWAY_PORT }),
    };
  });

export type GatewayConfig = z.output<typeof gatewayEnv>;

export function loadGatewayConfig(env: Env): Readonly<GatewayConfig> {
  return loadConfig(gatewayEnv, env);
}
