import { Queue } from 'bullmq';
import { queueNames } from '@ingestkit/contracts';
import { createRedisAssetRegistry, type AssetRegistry } from '@ingestkit/registry';
import { createLogger, createRedis, waitForRedis, type Redis } from '@ingestkit/runtime';
import { deletePrefix, uniquePrefix } from '@ingestkit/testkit';
import { loadWebhookReceiverConfig } from '../src/config';
import { startWebhookReceiver } from '../src/start';

export const SECRET = 'whsec_cmVjZWl2ZXItdGVzdC1zZWNyZXQ=';
export const OLD_SECRET = 'whsec_b2xkLXJlY2VpdmVyLXNlY3JldA==';

export interface TestReceiver {
  /** `POST` target for ImageKit: `<origin>/webhooks/imagekit`. */
  webhookUrl: string;
  origin: string;
  prefix: string;
  registry: AssetRegistry;
  redis: Redis;
  eventQueue: Queue;
  purgeQueue: Queue;
  /** Resolves once `predicate` holds, polling every 20 ms. */
  until<T>(probe: () => Promise<T>, predicate: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** The real service (startWebhookReceiver with a loaded config) on a free port, with its own Redis prefix. */
export async function startTestReceiver(options: { redisUrl: string; secrets?: string[] }): Promise<TestReceiver> {
  const prefix = uniquePrefix('webhook');
  const config = loadWebhookReceiverConfig({
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: prefix,
    WEBHOOK_PORT: '0',
    IMAGEKIT_WEBHOOK_SECRET: (options.secrets ?? [SECRET]).join(','),
    LOG_LEVEL: 'silent',
  });
  const running = await startWebhookReceiver(config, createLogger({ name: 'test-webhook-receiver', level: 'silent' }));
  const redis = createRedis({ url: options.redisUrl, role: 'producer' });
  await waitForRedis(redis, 5_000);
  const eventQueue = new Queue(queueNames.imagekitEvent, { connection: redis, prefix });
  const purgeQueue = new Queue(queueNames.purge, { connection: redis, prefix });
  return {
    webhookUrl: `${running.url}/webhooks/imagekit`,
    origin: running.url,
    prefix,
    registry: createRedisAssetRegistry({ redis, prefix }),
    redis,
    eventQueue,
    purgeQueue,
    async until(probe, predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (predicate(value)) return value;
        if (Date.now() > deadline)
          throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const step of running.shutdownSteps) await step.close();
      await Promise.all([eventQueue.close(), purgeQueue.close()]);
      await deletePrefix(options.redisUrl, prefix);
      redis.disconnect();
    },
  };
}
