import { queueNames } from '@ingestkit/contracts';
import { createImageKitClient } from '@ingestkit/imagekit';
import { createRedisPurgeStore } from '@ingestkit/purge';
import {
  createHttpApp,
  createJobMetrics,
  createQueue,
  createStageWorker,
  registerQueueMetrics,
  createMetricsRegistry,
  createRedis,
  finishHttpApp,
  listen,
  waitForRedis,
  type Logger,
  type ShutdownStep,
} from '@ingestkit/runtime';
import { createBatcher } from './batcher';
import type { PurgeServiceConfig } from './config';
import { createImageKitPurgeBackend } from './imagekit-backend';
import { startInFlightPoller } from './in-flight-poller';
import { purgeBatchHandler, type PurgeOutcome, type TrackedPurgeRequest } from './purge-batch';
import type { PurgeBackend } from './purge-backend';
import { createPurgeAllowance, uploadShareOf } from './purge-allowance';
import { createPurgeBudget } from './purge-budget';
import { createPurgeMetrics } from './purge-metrics';
import { purgeProcessor } from './purge.processor';

export interface RunningPurgeService {
  /** Origin of the `/healthz`, `/readyz`, `/metrics` server. */
  url: string;
  shutdownSteps: ShutdownStep[];
}

export interface PurgeServiceOptions {
  /** Replaces the ImageKit backend (other CDNs, tests). */
  backend?: PurgeBackend;
}

/**
 * The purge service: a `cdn.purge` worker whose concurrency is the batch size, so up to
 * `batchMax` jobs are active at once and wait in one windowed batch; plus the metrics server.
 */
export async function startPurgeService(
  config: PurgeServiceConfig,
  logger: Logger,
  options: PurgeServiceOptions = {},
): Promise<RunningPurgeService> {
  const { prefix } = config.redis;
  const redis = createRedis({ url: config.redis.url, role: 'producer', logger, name: 'purge-service' });
  const workerRedis = createRedis({ url: config.redis.url, role: 'worker', logger, name: 'purge-service-worker' });
  if (!(await waitForRedis(redis, 5_000))) logger.warn({ url: config.redis.url }, 'Redis is not reachable yet');

  const metricsRegistry = createMetricsRegistry({ service: 'purge-service' });
  const budget = createPurgeBudget({ redis, prefix, monthly: config.purge.monthlyBudget });
  const metrics = createPurgeMetrics(metricsRegistry, { budget });
  const store = createRedisPurgeStore({ redis, prefix });
  const backend = options.backend ?? createImageKitPurgeBackend({ client: createImageKitClient(config.imagekit) });
  const purgeQueue = createQueue(queueNames.purge, { connection: redis, prefix });
  registerQueueMetrics(metricsRegistry, [purgeQueue]);
  const batcher = createBatcher<TrackedPurgeRequest, PurgeOutcome>({
    windowMs: config.purge.windowMs,
    max: config.purge.batchMax,
    handle: purgeBatchHandler({
      backend,
      budget,
      allowance: createPurgeAllowance({ redis, prefix, perKeyPerHour: config.allowance.uploadsPerKeyPerHour }),
      uploadShare: uploadShareOf(config.purge.monthlyBudget, config.allowance.apiReservedPercent),
      store,
      metrics,
      logger,
      collapseThreshold: config.purge.collapseThreshold,
      urlEndpoints: [config.imagekit.urlEndpoint],
    }),
  });

  // Concurrency is the batch size: up to batchMax jobs wait, active, in one windowed batch.
  // Purges survive stalls (the catalog's survivesStalls), which the stage worker applies.
  const worker = createStageWorker(
    purgeProcessor({
      batcher,
      metrics,
      heldRetryMs: config.purge.heldRetryMs,
      deferredRetryMs: config.purge.pollMs,
    }),
    {
      connection: workerRedis,
      prefix,
      concurrency: config.purge.batchMax,
      logger,
      metrics: createJobMetrics(metricsRegistry),
      stalls: config.stalls,
    },
  );
  worker.on('error', (err) => logger.warn({ err: err.message, queue: worker.name }, 'worker error'));
  void worker.run();
  const poller = startInFlightPoller({ store, backend, intervalMs: config.purge.pollMs, logger });

  const app = createHttpApp({
    logger,
    registry: metricsRegistry,
    edge: config.edge,
    readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }],
  });
  const server = await listen(finishHttpApp(app, logger), { ...config.http, timeouts: config.edge.server });
  logger.info({ url: server.url, windowMs: config.purge.windowMs, batchMax: config.purge.batchMax }, 'purge-service running');
  return {
    url: server.url,
    shutdownSteps: [
      { name: 'http', close: () => server.close() },
      // Flush first so active jobs settle, then the worker can close without waiting out the window.
      { name: 'worker', close: async () => void (await Promise.all([batcher.flush(), worker.close()])) },
      { name: 'poller', close: () => poller.stop() },
      { name: 'queue', close: () => purgeQueue.close() },
      { name: 'redis', close: async () => void (await Promise.all([redis.quit(), workerRedis.quit()]).catch(() => undefined)) },
    ],
  };
}
