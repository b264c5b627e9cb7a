import { z } from 'zod';
import { envInt } from './env-types';

/**
 * Server timeouts of every HTTP listener, so a slow or idle client cannot hold a connection
 * for ever: all request headers within `HTTP_HEADERS_TIMEOUT_MS` (slowloris), the whole request
 * (headers and body) within `HTTP_REQUEST_TIMEOUT_MS`, and an idle keep-alive connection closed
 * after `HTTP_KEEPALIVE_TIMEOUT_MS`. The request timeout bounds the longest upload through the
 * gateway (512 MiB in an hour is about 150 KiB/s); slow bodies are cut long before by the
 * minimum body rate.
 */
export const httpServerEnv = z.object({
  HTTP_HEADERS_TIMEOUT_MS: envInt({ min: 1_000, max: 600_000, default: 30_000 }),
  HTTP_REQUEST_TIMEOUT_MS: envInt({ min: 1_000, max: 24 * 3_600_000, default: 3_600_000 }),
  HTTP_KEEPALIVE_TIMEOUT_MS: envInt({ min: 1_000, max: 600_000, default: 5_000 }),
});

/**
 * The minimum rate of a request body (uploads): a body arriving slower than
 * `UPLOAD_MIN_KIB_PER_SECOND` over a window of `UPLOAD_MIN_RATE_WINDOW_SECONDS` is cut. 0: off.
 * The default (8 KiB/s over 30 s) passes any working mobile link.
 */
export const bodyRateEnv = z.object({
  UPLOAD_MIN_KIB_PER_SECOND: envInt({ min: 0, max: 1_048_576, default: 8 }),
  UPLOAD_MIN_RATE_WINDOW_SECONDS: envInt({ min: 1, max: 3_600, default: 30 }),
});

/** `METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>` (Prometheus' `authorization`). */
export const metricsAuthEnv = z.object({
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
});

/** Everything above, for services to spread into their schema. */
export const httpEdgeEnv = z.object({ ...httpServerEnv.shape, ...bodyRateEnv.shape, ...metricsAuthEnv.shape });

/** Server timeouts, as `listen` takes them. */
export interface HttpServerSettings {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** The least rate of a request body, as `createHttpApp` takes it. */
export interface BodyRateSettings {
  minBytesPerSecond: number;
  windowMs: number;
}

/** What a service passes to `createHttpApp` and `listen`. */
export interface HttpEdgeSettings {
  server: HttpServerSettings;
  minBodyRate?: BodyRateSettings;
  metricsToken?: string;
}

/** The settings {@link httpEdgeEnv} describes. The headers timeout never exceeds the request timeout (Node requires it). */
export function httpEdgeFromEnv(env: z.output<typeof httpEdgeEnv>): HttpEdgeSettings {
  return {
    server: {
      headersTimeoutMs: Math.min(env.HTTP_HEADERS_TIMEOUT_MS, env.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEPALIVE_TIMEOUT_MS,
    },
    ...(env.UPLOAD_MIN_KIB_PER_SECOND > 0
      ? {
          minBodyRate: {
            minBytesPerSecond: env.UPLOAD_MIN_KIB_PER_SECOND * 1024,
            windowMs: env.UPLOAD_MIN_RATE_WINDOW_SECONDS * 1000,
          },
        }
      : {}),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
  };
}
