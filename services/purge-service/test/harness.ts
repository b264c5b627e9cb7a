import { type Queue } from 'bullmq';
import { purgeJobId, queueNames, type Purge, type PurgeJob, type PurgeReason } from '@ingestkit/contracts';
import type { Emulator } from '@ingestkit/imagekit-emulator';
import { createRedisPurgeStore, requestPurge, type PurgeStore } from '@ingestkit/purge';
import { createLogger, createQueue, createRedis, type Redis } from '@ingestkit/runtime';
import { deletePrefix, uniquePrefix } from '@ingestkit/testkit';
import { loadPurgeServiceConfig } from '../src/config';
import { startPurgeService, type RunningPurgeService } from '../src/start';

export const KEYS = { privateKey: 'private_purge_test', publicKey: 'public_purge_test' };

/** A purge service on its own queue prefix, with a producer's view of the queue and the purge store. */
export interface TestService {
  prefix: string;
  queue: Queue<PurgeJob>;
  store: PurgeStore;
  running: RunningPurgeService;
  /** Adds an untracked job, as before purges had ids. */
  enqueue(url: string, reason: PurgeReason): Promise<string>;
  /** Records a purge and adds its jobs, as the gateway and the webhook receiver do. */
  request(urls: string[], reason?: PurgeReason): Promise<Purge>;
  /** Stops this process's service; the queue, the store and the prefix stay for the next one. */
  stop(): Promise<void>;
  /** Starts another service process on the same prefix. */
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function until<T>(probe: () => Promise<T> | T, predicate: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startService(redisUrl: string, emulator: Emulator, env: Record<string, string> = {}): Promise<TestService> {
  const prefix = uniquePrefix('purge');
  const boot = (overrides: Record<string, string>) =>
    startPurgeService(
      loadPurgeServiceConfig({
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        PURGE_METRICS_PORT: '0',
        PURGE_WINDOW_MS: '200',
        PURGE_POLL_MS: '100',
        IMAGEKIT_PRIVATE_KEY: KEYS.privateKey,
        IMAGEKIT_PUBLIC_KEY: KEYS.publicKey,
        IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
        IMAGEKIT_BASE_URL: emulator.url,
        ...overrides,
      }),
      createLogger({ name: 'test-purge-service', level: 'silent' }),
    );
  const redis: Redis = createRedis({ url: redisUrl, role: 'worker', logger: createLogger({ name: 'test', level: 'silent' }) });
  // Retries every 50 ms instead of the catalog's 5 s backoff, so fault tests finish quickly.
  const queue = createQueue(queueNames.purge, {
    connection: redis,
    prefix,
    jobOptions: { backoff: { type: 'fixed', delay: 50 } },
  }) as Queue<PurgeJob>;
  const store = createRedisPurgeStore({ redis, prefix });
  let running: RunningPurgeService | undefined = await boot(env);
  const stop = async () => {
    for (const step of running?.shutdownSteps ?? []) await step.close();
    running = undefined;
  };
  return {
    prefix,
    queue,
    store,
    get running() {
      if (!running) throw new Error('the purge service is stopped');
      return running;
    },
    async enqueue(url, reason) {
      const jobId = purgeJobId(url, reason);
      await queue.add(queueNames.purge, { version: 1, url, reason }, { jobId, removeOnComplete: true });
      return jobId;
    },
    request: (urls, reason = 'api') => requestPurge({ store, queue }, { urls, reason }),
    stop,
    async restart(overrides = {}) {
      await stop();
      running = await boot({ ...env, ...overrides });
    },
    async close() {
      await stop();
      await queue.close();
      await redis.quit();
      await deletePrefix(redisUrl, prefix);
    },
  };
}

/** The emulator's purge records after `before` whose rule covers `url` (exactly or by wildcard). */
export function purgesCovering(emulator: Emulator, before: number, url: string) {
  return emulator
    .purges()
    .slice(before)
    .filter((purge) => (purge.isWildcard ? url.startsWith(purge.url.slice(0, -1)) : purge.url === url));
}
