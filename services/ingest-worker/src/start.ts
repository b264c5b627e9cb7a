import { queueNames } from '@ingestkit/contracts';
import { createImageKitClient } from '@ingestkit/imagekit';
import { configureSharp, createImagePool, createPolicyRegistry, inProcessRunner } from '@ingestkit/imaging';
import { createRedisPurgeStore, requestSupersededPurge } from '@ingestkit/purge';
import { createOutboxRelay, createRedisAssetRegistry } from '@ingestkit/registry';
import {
  createHttpApp,
  createJobMetrics,
  createMetricsRegistry,
  createQueue,
  createRedis,
  enqueueStage,
  registerQueueMetrics,
  finishHttpApp,
  listen,
  waitForRedis,
  type Logger,
  type ShutdownStep,
} from '@ingestkit/runtime';
import { createObjectStore, createOriginals, createS3Client } from '@ingestkit/storage';
import type { IngestWorkerConfig } from './config';
import { createImageKitDestination } from './destinations/imagekit-destination';
import { enqueueImageKitSync } from './destinations/imagekit-sync.processor';
import { createDestinationMetrics, instrumentDestination } from './destinations/instrumented-destination';
import { createStoreDestination } from './destinations/store-destination';
import { createPipelineMetrics } from './pipeline-metrics';
import { createRetentionIndex } from './originals/retention-index';
import { startRetentionSweeper } from './originals/retention-sweeper';
import { registerStageWorkers } from './register';
import { createSourceFetcher } from './sources/source-fetcher';

export interface RunningIngestWorker {
  metricsUrl: string;
  shutdownSteps: ShutdownStep[];
}

/** Builds the worker's real dependencies from config, starts every stage and the metrics port. */
export async function startIngestWorker(config: IngestWorkerConfig, logger: Logger): Promise<RunningIngestWorker> {
  // Threads and cache from the core count (throughputFor), with the worker's job concurrency.
  const sharpSettings = configureSharp({
    concurrency: config.sharp.sharpConcurrency,
    cacheMemoryMb: config.sharp.cacheMemoryMb,
  });
  const workerRedis = createRedis({ url: config.redis.url, role: 'worker', logger, name: 'ingest-worker' });
  const redis = createRedis({ url: config.redis.url, role: 'producer', logger, name: 'ingest-worker-producer' });
  const prefix = config.redis.prefix;
  if (!(await waitForRedis(redis, 5_000)))
    logger.warn({ url: config.redis.url }, 'Redis is not reachable yet; jobs start when it is');
  const metrics = createMetricsRegistry({ service: 'ingest-worker' });
  const queues = {
    optimize: createQueue(queueNames.optimize, { connection: redis, prefix }),
    deliver: createQueue(queueNames.deliver, { connection: redis, prefix }),
    notify: createQueue(queueNames.notify, { connection: redis, prefix }),
    purge: createQueue(queueNames.purge, { connection: redis, prefix }),
    // Consumed here (the gateway and the webhook receiver add its jobs); held for its metrics.
    erase: createQueue(queueNames.erase, { connection: redis, prefix }),
    imagekitSync: createQueue(queueNames.imagekitSync, { connection: redis, prefix }),
  };
  // One client for deliveries and edits' syncs.
  const imagekitClient = config.imagekit ? createImageKitClient(config.imagekit) : undefined;
  const purges = createRedisPurgeStore({ redis, prefix });
  // Depth and oldest-job age of every queue this process consumes (validate is only read here).
  const validateQueue = createQueue(queueNames.validate, { connection: redis, prefix });
  registerQueueMetrics(metrics, [
    validateQueue,
    queues.optimize,
    queues.deliver,
    queues.erase,
    queues.notify,
    queues.imagekitSync,
  ]);
  const staging = createObjectStore(config.stores.staging);
  const registry = createRedisAssetRegistry({ redis, prefix });
  // Originals kept after delivery (absent with ORIGINALS_STORE=off), and their retention index.
  const originalsStore = config.originals.store && createOriginals(config.originals.store);
  if (config.originals.store?.driver === 'local' && config.stores.staging.driver === 's3') {
    logger.warn(
      { root: config.originals.store.root },
      'originals are kept on local disk while staging is on S3: the gateway can serve them only if it shares this disk (set ORIGINALS_STORE=s3 otherwise)',
    );
  }
  const originals = originalsStore && {
    originals: originalsStore,
    retentionDays: config.originals.retentionDays,
    index: createRetentionIndex({ redis, prefix }),
  };
  const destinationMetrics = createDestinationMetrics(metrics);
  const destinationStores = {
    local: createObjectStore(config.stores.localAssets),
    s3: createObjectStore(config.stores.s3Assets),
  };
  // One child process per concurrent image: a hostile file can only take down its own child.
  const images =
    config.isolation.mode === 'process'
      ? createImagePool({
          size: config.concurrency,
          maxMemoryMb: config.isolation.maxMemoryMb,
          timeoutMs: config.isolation.timeoutMs,
          sharpConcurrency: config.sharp.sharpConcurrency,
        })
      : inProcessRunner;
  const workers = registerStageWorkers(
    {
      registry,
      staging,
      ...(originals ? { originals } : {}),
      metrics: createPipelineMetrics(metrics),
      limits: config.limits,
      policies: createPolicyRegistry(config.policies),
      images,
      queues,
      retirement: { stores: destinationStores },
      sources: createSourceFetcher({
        limits: config.sources.limits,
        allowHosts: config.sources.allowHosts,
        buckets: config.sources.buckets,
        ...(config.sources.buckets.length > 0 ? { s3Client: createS3Client(config.sources.s3) } : {}),
      }),
      destinations: {
        local: instrumentDestination(
          createStoreDestination({
            kind: 'local',
            store: destinationStores.local,
            publicUrl: config.stores.publicUrls.local,
          }),
          destinationMetrics,
        ),
        s3: instrumentDestination(
          createStoreDestination({
            kind: 's3',
            store: destinationStores.s3,
            publicUrl: config.stores.publicUrls.s3,
          }),
          destinationMetrics,
        ),
        ...(imagekitClient
          ? {
              imagekit: instrumentDestination(
                createImageKitDestination({
                  client: imagekitClient,
                  // The webhook receiver asks for the same purge (same id) when ImageKit reports the new version.
                  onOverwrite: async ({ asset, superseded }) =>
                    void (await requestSupersededPurge(
                      { store: purges, queue: queues.purge },
                      {
                        ...superseded,
                        reason: 'overwrite',
                        assetId: asset.id,
                        ...(asset.createdBy ? { causedBy: asset.createdBy } : {}),
                      },
                    )),
                }),
                destinationMetrics,
              ),
            }
          : {}),
      },
    },
    {
      connection: workerRedis,
      prefix,
      concurrency: config.concurrency,
      stalls: config.stalls,
      logger,
      metrics: createJobMetrics(metrics),
    },
    { settings: config.notify },
    { purges: { store: purges, queue: queues.purge } },
    { imagekit: imagekitClient },
  );
  // One relay per worker process moves the registry's outbox onto asset.notify (the webhook
  // receiver records version notifications in the same outbox and relies on this relay) and
  // turns an ImageKit asset's asset.updated into its imagekit.sync job.
  const relay = createOutboxRelay({
    redis: createRedis({ url: config.redis.url, role: 'worker', logger, name: 'ingest-worker-outbox' }),
    prefix,
    // Every entry: its notification when they are on, and an edit's ImageKit sync (always).
    enqueue: async (notification) => {
      if (config.notify) await enqueueStage(queues.notify, { version: 1, notification });
      await enqueueImageKitSync(queues.imagekitSync, notification);
    },
    logger: logger.child({ component: 'outbox-relay' }),
  });
  relay.start();
  // The worker sweeps expired originals: it is the one writer of the originals store, so only it
  // needs write and delete rights there (the gateway only reads originals or presigns GETs).
  const retention =
    originals && originals.retentionDays > 0
      ? startRetentionSweeper({
          registry,
          kept: originals,
          everySeconds: config.originals.sweepEverySeconds,
          logger: logger.child({ component: 'originals-retention' }),
        })
      : undefined;
  for (const worker of workers) {
    worker.on('error', (err) => logger.warn({ err: err.message, queue: worker.name }, 'worker error'));
    void worker.run();
  }
  const app = finishHttpApp(
    createHttpApp({
      logger,
      registry: metrics,
      edge: config.edge,
      readiness: [
        { name: 'redis', check: async () => void (await redis.ping()) },
        { name: 'staging', check: () => staging.ping() },
        ...(originalsStore ? [{ name: 'originals', check: () => originalsStore.store.ping() }] : []),
      ],
    }),
    logger,
  );
  const server = await listen(app, { ...config.metricsHttp, timeouts: config.edge.server });
  logger.info(
    {
      metricsUrl: `${server.url}/metrics`,
      concurrency: config.concurrency,
      sharpConcurrency: sharpSettings.concurrency,
      isolation: config.isolation,
      policies: Object.keys(config.policies),
      notifications: config.notify !== undefined,
    },
    'ingest-worker running',
  );
  return {
    metricsUrl: `${server.url}/metrics`,
    shutdownSteps: [
      { name: 'outbox-relay', close: () => relay.stop() },
      ...(retention ? [{ name: 'originals-retention', close: () => retention.stop() }] : []),
      // Let running jobs finish; jobs not finished by the deadline are recovered as stalled.
      { name: 'workers', close: async () => void (await Promise.all(workers.map((worker) => worker.close()))) },
      { name: 'image-pool', close: () => images.close() },
      {
        name: 'queues',
        close: async () => void (await Promise.all([...Object.values(queues), validateQueue].map((queue) => queue.close()))),
      },
      { name: 'metrics-http', close: () => server.close() },
      { name: 'redis', close: async () => void (await Promise.all([redis.quit(), workerRedis.quit()]).catch(() => undefined)) },
    ],
  };
}
