import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

export type { Redis } from 'ioredis';

/**
 * `worker`: blocking commands for BullMQ workers, which require `maxRetriesPerRequest: null`
 * and wait for Redis to come back. `producer`: request-path connections (HTTP handlers,
 * enqueueing) that fail fast while Redis is unreachable, so callers answer 503 at once
 * instead of hanging; both reconnect in the background.
 */
export type RedisRole = 'worker' | 'producer';

const roleOptions: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 5_000 },
};

export function createRedis(options: { url: string; role: RedisRole; logger?: Logger; name?: string }): Redis {
  const redis = new Redis(options.url, {
    ...roleOptions[options.role],
    connectionName: options.name,
    retryStrategy: (attempt) => Math.min(200 * 2 ** Math.min(attempt, 4), 3_000),
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // ioredis emits an error per reconnect attempt; one line every 10 s is enough.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      options.logger?.warn({ err: err.message, role: options.role }, 'redis connection error');
    }
  });
  return redis;
}

/** What ioredis says when Redis cannot be reached (and a request-path connection fails fast). */
const CONNECTION_FAILURE =
  /Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries per request|connect ETIMEDOUT/;
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * True for the errors a Redis client raises while Redis is down or unreachable (not for
 * replies Redis sent, such as OOM or WRONGTYPE): a caller may answer "try again later".
 */
export function isRedisUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return err.name === 'MaxRetriesPerRequestError' || CONNECTION_FAILURE.test(err.message) || CONNECTION_ERRNO.has(String(code));
}

/**
 * True for Redis refusing a write because it reached `maxmemory` (with `noeviction`, the policy
 * BullMQ requires): nothing is lost, and the write succeeds once memory frees.
 */
export function isRedisOutOfMemoryError(err: unknown): boolean {
  return err instanceof Error && /^OOM command not allowed/.test(err.message);
}

/** True when Redis answers PING within the connection's timeouts. */
export async function isRedisReachable(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/**
 * Waits until the connection is ready, up to `timeoutMs`; false if it is not (Redis down at
 * boot). Producers fail fast, so a service waits for this once before taking traffic, and
 * keeps running either way: readiness reports the outage until Redis answers.
 */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const onReady = () => finish(true);
    function finish(isReady: boolean) {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(isReady);
    }
    redis.on('ready', onReady);
  });
}
