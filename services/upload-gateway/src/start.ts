import { queueNames } from '@ingestkit/contracts';
import { createRedisPurgeStore } from '@ingestkit/purge';
import { backfillAssetIndexes, createRedisAssetRegistry } from '@ingestkit/registry';
import {
  createMetricsRegistry,
  registerQueueMetrics,
  createIngestQueues,
  createQueue,
  closeQueues,
  createRedis,
  listen,
  waitForRedis,
  type Logger,
  type ShutdownStep,
} from '@ingestkit/runtime';
import {
  createDirectUploadSigner,
  createHashPoolForThisMachine,
  createMultipartUploads,
  createObjectStore,
  createOriginals,
  createS3Client,
} from '@ingestkit/storage';
import { createBackpressure } from './http/backpressure';
import type { GatewayConfig } from './config';
import { createGateway } from './gateway';
import { createIntake } from './intake/intake';
import { createMultipartSessions } from './multipart/multipart-sessions';
import { startMultipartSweeper } from './multipart/multipart-sweeper';
import { localUploadSecret } from './http/signing-keys';
import { startStagingJanitor } from './intake/staging-janitor';
import { startImportLister } from './imports/start-import-lister';
import { createRunStore } from './reprocess/run-store';
import { startRunDriver } from './reprocess/start-run-driver';
import { createTusDatastore } from './tus/tus-store';
import { createTusLedger } from './tus/tus-ledger';
import { createTusMetrics } from './tus/tus-metrics';
import { startTusSweeper } from './tus/tus-sweeper';
import { trackWrites } from './tus/tus-writes';

export interface RunningGateway {
  url: string;
  /** Shutdown steps, in order: stop accepting requests, then close connections. */
  shutdownSteps: ShutdownStep[];
}

/** Builds the gateway's real dependencies from config and starts listening. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const redis = createRedis({ url: config.redis.url, role: 'producer', logger, name: 'gateway' });
  if (!(await waitForRedis(redis, 5_000)))
    logger.warn({ url: config.redis.url }, 'Redis is not reachable yet; answering 503 until it is');
  const queues = createIngestQueues({ connection: redis, prefix: config.redis.prefix });
  const purgeQueue = createQueue(queueNames.purge, { connection: redis, prefix: config.redis.prefix });
  const eraseQueue = createQueue(queueNames.erase, { connection: redis, prefix: config.redis.prefix });
  // Shown on Bull Board only; their services consume them.
  const boardQueues = [queueNames.imagekitEvent, queueNames.notify].map((name) =>
    createQueue(name, { connection: redis, prefix: config.redis.prefix }),
  );
  const importQueue = createQueue(queueNames.importList, { connection: redis, prefix: config.redis.prefix });
  if (config.auth.isDevKey) {
    logger.warn('API_KEYS is not set: accepting the development key "dev-key" (never in production)');
  }
  if (config.signing.isDevSecret) {
    logger.warn('GATEWAY_SIGNING_SECRET is not set: signing upload tokens and URLs with the development secret');
  }
  const registry = createRedisAssetRegistry({ redis, prefix: config.redis.prefix });
  // Indexes assets written before the listing filters existed; once done, a single GET per start.
  backfillAssetIndexes({ redis, prefix: config.redis.prefix }).then(
    (result) => logger.info(result, 'asset listing indexes up to date'),
    (err: unknown) => logger.warn({ err }, 'asset index backfill failed; it runs again at the next start'),
  );
  const staging = createObjectStore(config.stores.staging);
  // ORIGINALS_STORE: served by GET …/original and read by reprocessing; undefined when off.
  const originals = config.originals ? createOriginals(config.originals) : undefined;
  const local = { baseUrl: config.publicUrl, secret: localUploadSecret(config.signing.secret) };
  const multipart = createMultipartUploads(config.stores.staging, { ...local, store: staging });
  const metrics = createMetricsRegistry({ service: 'upload-gateway' });
  // The gateway consumes import.list: its depth and oldest job, like every consumer's queues.
  registerQueueMetrics(metrics, [importQueue]);
  const tus = {
    datastore: createTusDatastore(config.stores.staging, config.tus.expireAfterSeconds * 1000),
    metrics: createTusMetrics(metrics),
  };
  const tusWrites = trackWrites(tus.datastore);
  // Owned here and closed at shutdown, after the last request that could hash has ended.
  const hashPool = createHashPoolForThisMachine();
  const app = createGateway({
    config,
    logger,
    metrics,
    redis,
    registry,
    queues,
    purgeQueue,
    eraseQueue,
    importQueue,
    boardQueues,
    purges: createRedisPurgeStore({ redis, prefix: config.redis.prefix }),
    staging,
    uploadSigner: createDirectUploadSigner(config.stores.staging, local),
    multipart,
    localAssets: createObjectStore(config.stores.localAssets),
    ...(originals ? { originals } : {}),
    tus,
    hashPool,
  });
  const intake = createIntake({
    registry,
    validateQueue: queues.validate,
    defaultDestination: config.defaultDestination,
    logger,
  });
  const sessions = createMultipartSessions({ multipart, redis, prefix: config.redis.prefix, logger, registry, staging, intake });
  const tusLedger = createTusLedger({ intake, registry, staging, redis, prefix: config.redis.prefix });
  const sweeper = startMultipartSweeper({
    sessions,
    abandonAfterSeconds: config.directUploads.abandonMultipartAfterSeconds,
    logger,
  });
  const janitor = startStagingJanitor({
    staging,
    registry,
    validateQueue: queues.validate,
    orphanAfterSeconds: config.staging.orphanAfterSeconds,
    expireAwaitingAfterSeconds: config.staging.expireAwaitingAfterSeconds,
    // Multipart and tus uploads expire by their own rules (the multipart and tus sweepers).
    hasMultipartSession: async (assetId) => (await sessions.hasSession(assetId)) || (await tusLedger.isOpen(assetId)),
    logger,
  });
  const tusSweeper = startTusSweeper({
    ...tus,
    ledger: tusLedger,
    registry,
    expireAfterSeconds: config.tus.expireAfterSeconds,
    everySeconds: config.tus.sweepEverySeconds,
    logger,
  });
  const importLister = startImportLister({
    connection: createRedis({ url: config.redis.url, role: 'worker', logger, name: 'gateway-import-lister' }),
    redis,
    prefix: config.redis.prefix,
    logger,
    metrics,
    intake,
    s3: config.sources.buckets.length > 0 ? createS3Client(config.sources.s3) : undefined,
    listQueue: importQueue,
    assertBacklogBelowBound: createBackpressure({
      queues: [queues.validate, queues.optimize, queues.deliver],
      maxBacklog: config.limits.maxBacklog,
    }),
  });
  const reprocessDriver = startRunDriver({
    store: createRunStore({ redis, prefix: config.redis.prefix }),
    registry,
    originals: originals?.store,
    staging,
    validateQueue: queues.validate,
    logger,
    ...config.reprocess,
    // BullMQ's wait list holds the jobs without a priority: new uploads (reprocess jobs are prioritized).
    uploadsWaiting: async () =>
      (await Promise.all([queues.validate, queues.optimize, queues.deliver].map((queue) => queue.getWaitingCount()))).some(
        (count) => count > 0,
      ),
  });
  const server = await listen(app, { ...config.http, timeouts: config.edge.server });
  logger.info({ url: server.url }, 'upload-gateway listening');
  return {
    url: server.url,
    shutdownSteps: [
      { name: 'http', close: () => server.close() },
      // Bytes of cut-off PATCHes the tus store is still saving (see trackWrites).
      { name: 'tus-writes', close: () => tusWrites.drain() },
      { name: 'hash-pool', close: async () => await hashPool?.close() },
      { name: 'multipart-sweeper', close: () => sweeper.stop() },
      { name: 'staging-janitor', close: () => janitor.stop() },
      { name: 'import-lister', close: () => importLister.stop() },
      { name: 'reprocess-driver', close: () => reprocessDriver.stop() },
      { name: 'tus-sweeper', close: () => tusSweeper.stop() },
      {
        name: 'queues',
        close: async () =>
          void (await Promise.all([
            closeQueues(queues),
            purgeQueue.close(),
            eraseQueue.close(),
            importQueue.close(),
            ...boardQueues.map((queue) => queue.close()),
          ])),
      },
      { name: 'redis', close: async () => void (await redis.quit().catch(() => redis.disconnect())) },
    ],
  };
}
