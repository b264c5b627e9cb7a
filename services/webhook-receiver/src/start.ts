import { createRedisPurgeStore } from '@ingestkit/purge';
import { queueNames } from '@ingestkit/contracts';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import {
  createHttpApp,
  createJobMetrics,
  createMetricsRegistry,
  createQueue,
  registerQueueMetrics,
  createRedis,
  createStageWorker,
  finishHttpApp,
  listen,
  waitForRedis,
  type Logger,
  type ShutdownStep,
} from '@ingestkit/runtime';
import type { WebhookReceiverConfig } from './config';
import { createEventDedupe } from './event-dedupe';
import { imagekitEventProcessor } from './imagekit-event.processor';
import { createWebhookMetrics } from './webhook-metrics';
import { webhookRoutes } from './webhook.routes';

export interface RunningWebhookReceiver {
  /** Where the server listens; ImageKit posts to `${url}/webhooks/imagekit`. */
  url: string;
  shutdownSteps: ShutdownStep[];
}

/**
 * The webhook receiver: the HTTP endpoint that verifies, deduplicates and enqueues ImageKit
 * events, and the `imagekit.event` worker that applies them to the registry, in one process.
 */
export async function startWebhookReceiver(config: WebhookReceiverConfig, logger: Logger): Promise<RunningWebhookReceiver> {
  const { prefix } = config.redis;
  const redis = createRedis({ url: config.redis.url, role: 'producer', logger, name: 'webhook-receiver' });
  const workerRedis = createRedis({ url: config.redis.url, role: 'worker', logger, name: 'webhook-receiver-worker' });
  if (!(await waitForRedis(redis, 5_000)))
    logger.warn({ url: config.redis.url }, 'Redis is not reachable yet; webhooks get 503 until it is');
  const metricsRegistry = createMetricsRegistry({ service: 'webhook-receiver' });
  const metrics = createWebhookMetrics(metricsRegistry);
  const registry = createRedisAssetRegistry({ redis, prefix });
  const eventQueue = createQueue(queueNames.imagekitEvent, { connection: redis, prefix });
  const purgeQueue = createQueue(queueNames.purge, { connection: redis, prefix });
  const eraseQueue = createQueue(queueNames.erase, { connection: redis, prefix });

  const purges = createRedisPurgeStore({ redis, prefix });
  registerQueueMetrics(metricsRegistry, [eventQueue]);

  const worker = createStageWorker(imagekitEventProcessor({ registry, purgeQueue, eraseQueue, purges, metrics }), {
    connection: workerRedis,
    prefix,
    concurrency: config.concurrency,
    stalls: config.stalls,
    logger,
    metrics: createJobMetrics(metricsRegistry),
  });
  worker.on('error', (err) => logger.warn({ err: err.message, queue: worker.name }, 'worker error'));
  void worker.run();

  const app = createHttpApp({
    logger,
    registry: metricsRegistry,
    edge: config.edge,
    readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }],
  });
  app.use(
    webhookRoutes({
      verification: config.webhook,
      dedupe: createEventDedupe({ redis, prefix, ttlSeconds: config.webhook.dedupeTtlSeconds }),
      eventQueue,
      metrics,
      logger,
    }),
  );
  const server = await listen(finishHttpApp(app, logger), { ...config.http, timeouts: config.edge.server });
  logger.info({ url: `${server.url}/webhooks/imagekit`, schemes: config.webhook.schemes }, 'webhook-receiver running');
  return {
    url: server.url,
    shutdownSteps: [
      { name: 'http', close: () => server.close() },
      { name: 'worker', close: () => worker.close() },
      {
        name: 'queues',
        close: async () => void (await Promise.all([eventQueue.close(), purgeQueue.close(), eraseQueue.close()])),
      },
      { name: 'redis', close: async () => void (await Promise.all([redis.quit(), workerRedis.quit()]).catch(() => undefined)) },
    ],
  };
}
