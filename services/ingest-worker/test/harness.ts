import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import {
  newAssetId,
  queueNames,
  stagingKeys,
  type Asset,
  type DestinationKind,
  type PolicyDefinition,
  type PolicyOverrides,
} from '@ingestkit/contracts';
import { createPolicyRegistry, defaultImagingLimits, type ImageRunner, type ImagingLimits } from '@ingestkit/imaging';
import { createOutboxRelay, createRedisAssetRegistry, type AssetRegistry, type OutboxRelay } from '@ingestkit/registry';
import {
  createJobMetrics,
  createLogger,
  createMetricsRegistry,
  createQueue,
  createRedis,
  enqueueStage,
  waitForRedis,
  type NotifySettings,
  type Redis,
} from '@ingestkit/runtime';
import { createLocalStore, createOriginals, type ObjectStore } from '@ingestkit/storage';
import { deletePrefix, uniquePrefix } from '@ingestkit/testkit';
import type { Destination } from '../src/destinations/destination';
import { createStoreDestination } from '../src/destinations/store-destination';
import type { KeptOriginals } from '../src/originals/kept-originals';
import { createRetentionIndex } from '../src/originals/retention-index';
import { registerStageWorkers } from '../src/register';
import type { StageDeps } from '../src/stages/stage-deps';

export const LOCAL_PUBLIC_URL = 'http://files.test/files';

export interface TestPipeline {
  prefix: string;
  staging: ObjectStore;
  registry: AssetRegistry;
  /** What the stage processors were built with, to call them directly. */
  stageDeps: StageDeps;
  /** Stages `data` as a new asset's original and enqueues validation, as the gateway would. */
  ingest(
    data: Buffer,
    options?: {
      destination?: DestinationKind;
      fileName?: string;
      folder?: string;
      overwrite?: boolean;
      policy?: string;
      overrides?: PolicyOverrides;
      /** Record no SHA-256, as a direct upload arrives (the worker computes it in validation). */
      withoutSha256?: boolean;
    },
  ): Promise<string>;
  /** Resolves with the asset once it is ready, rejected or failed. */
  settled(assetId: string, timeoutMs?: number): Promise<Asset>;
  /** Staged objects of the asset once cleanup had its chance (it runs just after `ready`). */
  stagedAfterCleanup(assetId: string): Promise<string[]>;
  /** Stops the outbox relay (as a crash would, between two entries). */
  stopRelay(): Promise<void>;
  /** Starts a new outbox relay, as a restarted worker process does. */
  startRelay(): void;
  /** The originals store, when started with `originals`. */
  originals?: KeptOriginals;
  /** The producer connection, to look at or arrange Redis state. */
  redis: Redis;
  close(): Promise<void>;
}

/**
 * The three stage workers, the `asset.notify` worker and the outbox relay on real Redis (own
 * prefix) with a local store in a temp dir. Notifications are sent only when `notify` is given.
 */
export async function startTestPipeline(options: {
  redisUrl: string;
  destinations?: Partial<Record<DestinationKind, Destination>>;
  notify?: NotifySettings;
  limits?: Partial<ImagingLimits>;
  policies?: Record<string, PolicyDefinition>;
  images?: ImageRunner;
  /** Keep originals on a local store in the temp dir (`DATA_DIR/originals`), with this retention. */
  originals?: { retentionDays: number };
}): Promise<TestPipeline> {
  const prefix = uniquePrefix('worker');
  const dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-worker-'));
  const redis: Redis = createRedis({ url: options.redisUrl, role: 'producer' });
  await waitForRedis(redis, 5_000);
  const workerRedis = createRedis({ url: options.redisUrl, role: 'worker' });
  const staging = createLocalStore({ root: dataDir });
  const registry = createRedisAssetRegistry({ redis, prefix });
  const originals: KeptOriginals | undefined = options.originals && {
    originals: createOriginals({ driver: 'local', root: join(dataDir, 'originals') }),
    retentionDays: options.originals.retentionDays,
    index: createRetentionIndex({ redis, prefix }),
  };
  const queues = {
    validate: createQueue(queueNames.validate, { connection: redis, prefix }),
    optimize: createQueue(queueNames.optimize, { connection: redis, prefix }),
    deliver: createQueue(queueNames.deliver, { connection: redis, prefix }),
    notify: createQueue(queueNames.notify, { connection: redis, prefix }),
  };
  const stageDeps: StageDeps = {
    registry,
    staging,
    limits: { ...defaultImagingLimits, maxInputBytes: 64 * 1024 * 1024, ...options.limits },
    policies: createPolicyRegistry(options.policies),
    ...(options.images ? { images: options.images } : {}),
    ...(originals ? { originals } : {}),
    queues,
    destinations: {
      local: createStoreDestination({ kind: 'local', store: staging, publicUrl: LOCAL_PUBLIC_URL }),
      ...options.destinations,
    },
  };
  const logger = createLogger({ name: 'test-worker', level: 'silent' });
  const workers: Worker[] = registerStageWorkers(
    stageDeps,
    {
      connection: workerRedis,
      prefix,
      concurrency: 2,
      logger,
      metrics: createJobMetrics(createMetricsRegistry({ service: 'ingest-worker', defaultMetrics: false })),
    },
    { settings: options.notify },
  );
  for (const worker of workers) void worker.run();
  let relay: OutboxRelay | undefined;
  const startRelay = () => {
    relay = createOutboxRelay({
      redis: createRedis({ url: options.redisUrl, role: 'worker' }),
      prefix,
      enqueue: options.notify ? (notification) => enqueueStage(queues.notify, { version: 1, notification }) : undefined,
      logger,
      blockSeconds: 1,
    });
    relay.start();
  };
  const stopRelay = async () => {
    await relay?.stop();
    relay = undefined;
  };
  startRelay();

  return {
    prefix,
    staging,
    registry,
    stageDeps,
    ...(originals ? { originals } : {}),
    redis,
    startRelay,
    stopRelay,
    async ingest(data, ingestOptions = {}) {
      const id = newAssetId();
      const key = stagingKeys.original(id);
      await staging.put({ key, body: data });
      const now = new Date().toISOString();
      await registry.create({
        id,
        status: 'queued',
        destination: ingestOptions.destination ?? 'local',
        policy: ingestOptions.policy ?? 'default',
        ...(ingestOptions.overrides ? { overrides: ingestOptions.overrides } : {}),
        fileName: ingestOptions.fileName ?? 'photo.jpg',
        ...(ingestOptions.folder ? { folder: ingestOptions.folder } : {}),
        ...(ingestOptions.overwrite ? { overwrite: true } : {}),
        tags: [],
        metadata: {},
        original: {
          key,
          bytes: data.length,
          ...(ingestOptions.withoutSha256 ? {} : { sha256: createHash('sha256').update(data).digest('hex') }),
        },
        timings: {},
        createdAt: now,
        updatedAt: now,
      });
      await enqueueStage(queues.validate, { version: 1, assetId: id });
      return id;
    },
    async settled(assetId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const asset = await registry.get(assetId);
        if (asset && ['ready', 'rejected', 'failed'].includes(asset.status)) return asset;
        if (Date.now() > deadline) throw new Error(`asset ${assetId} still ${asset?.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stagedAfterCleanup(assetId) {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const keys = (await staging.list(stagingKeys.prefix(assetId))).map((object) => object.key);
        if (keys.length === 0 || Date.now() > deadline) return keys;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await stopRelay();
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      await deletePrefix(options.redisUrl, prefix);
      redis.disconnect();
      workerRedis.disconnect();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
