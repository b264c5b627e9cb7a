import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { queueNames, type Asset, type PolicyDefinition } from '@ingestkit/contracts';
import { defaultImagingLimits, createPolicyRegistry } from '@ingestkit/imaging';
import { registerStageWorkers, createStoreDestination, type Destination } from '@ingestkit/ingest-worker';
import { createRedisPurgeStore } from '@ingestkit/purge';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import {
  closeQueues,
  createIngestQueues,
  createJobMetrics,
  createLogger,
  createMetricsRegistry,
  createQueue,
  createRedis,
  listen,
  waitForRedis,
} from '@ingestkit/runtime';
import { createLocalMultipartUploads, createLocalStore, createLocalUploadSigner, createOriginals } from '@ingestkit/storage';
import { deletePrefix, uniquePrefix } from '@ingestkit/testkit';
import { createGateway, createRunStore, startRunDriver } from '@ingestkit/upload-gateway';

export const API_KEY = 'reprocess-key';
const SECRET = 'reprocess-signing-secret-0123456789abcdef';
export const PUBLIC_URL = 'http://files.test/files';
const auth = { authorization: `Bearer ${API_KEY}` };

/**
 * The gateway (its app, and the reprocess run driver as `start.ts` runs it), a worker (the stage
 * processors, delivering to the local store) and an originals store, on real Redis with local
 * stores in a temp dir. `keep` does what the worker's originals step does after delivery: it puts
 * the original into the originals store and records `original.retained`.
 */
export async function startReprocessStack(
  redisUrl: string,
  options: { policies: Record<string, PolicyDefinition>; maxInFlight?: number; wrapLocal?: (local: Destination) => Destination },
) {
  const prefix = uniquePrefix('e2e-reprocess');
  const dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-reprocess-'));
  const logger = createLogger({ name: 'e2e-reprocess', level: 'silent' });
  const redis = createRedis({ url: redisUrl, role: 'producer' });
  await waitForRedis(redis, 5_000);
  const registry = createRedisAssetRegistry({ redis, prefix });
  const queues = createIngestQueues({ connection: redis, prefix });
  const store = createLocalStore({ root: dataDir });
  const kept = createOriginals({ driver: 'local', root: join(dataDir, 'kept') });
  const originals = kept.store;
  const purgeQueue = createQueue(queueNames.purge, { connection: redis, prefix });
  const eraseQueue = createQueue(queueNames.erase, { connection: redis, prefix });
  const metrics = createMetricsRegistry({ service: 'upload-gateway', defaultMetrics: false });
  let url = '';
  const app = createGateway({
    config: {
      auth: { apiKeys: [API_KEY], isDevKey: false, adminKeys: [API_KEY] },
      limits: { maxUploadBytes: 10 * 1024 * 1024, maxBacklog: 0 },
      defaultDestination: 'local',
      destinations: ['local', 's3'],
      imagekit: undefined,
      purge: { maxUrlsPerCall: 100 },
      signing: { secret: SECRET, isDevSecret: false },
      directUploads: { expiresInSeconds: 900, abandonMultipartAfterSeconds: 86_400 },
      cors: { origins: [] },
      s3Events: { token: undefined },
      rateLimit: { perMinute: 0 },
      sources: { buckets: [] },
      redis: { prefix },
    },
    logger,
    metrics,
    redis,
    registry,
    queues,
    purgeQueue,
    eraseQueue,
    boardQueues: [],
    purges: createRedisPurgeStore({ redis, prefix }),
    staging: store,
    uploadSigner: createLocalUploadSigner({ baseUrl: () => url, secret: SECRET }),
    multipart: createLocalMultipartUploads({ store, baseUrl: () => url, secret: SECRET }),
    localAssets: store,
    originals: kept,
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1' });
  url = server.url;
  const startDriver = () =>
    startRunDriver({
      store: createRunStore({ redis, prefix }),
      registry,
      originals,
      staging: store,
      validateQueue: queues.validate,
      logger,
      maxInFlight: options.maxInFlight ?? 3,
      tickMs: 100,
      requeueAfterMs: 2_000,
      lockMs: 1_000,
    });
  let driver: { stop(): Promise<void> } | undefined = startDriver();
  const local = createStoreDestination({ kind: 'local', store, publicUrl: PUBLIC_URL });
  const workerRedis = createRedis({ url: redisUrl, role: 'worker' });
  const workers: Worker[] = registerStageWorkers(
    {
      registry,
      staging: store,
      limits: defaultImagingLimits,
      policies: createPolicyRegistry(options.policies),
      queues: { optimize: queues.optimize, deliver: queues.deliver },
      destinations: { local: options.wrapLocal ? options.wrapLocal(local) : local },
      retirement: { stores: { local: store } },
    },
    {
      connection: workerRedis,
      prefix,
      concurrency: 2,
      logger,
      metrics: createJobMetrics(createMetricsRegistry({ service: 'ingest-worker', defaultMetrics: false })),
    },
    { settings: undefined },
  );
  for (const worker of workers) void worker.run();

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  return {
    url,
    prefix,
    dataDir,
    store,
    registry,
    redis,
    call,
    /** Uploads bytes through `POST /v1/uploads`; the asset id. */
    async upload(data: Buffer, fields: Record<string, string> = {}): Promise<string> {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('file', new Blob([data], { type: 'image/jpeg' }), 'photo.jpg');
      const res = await fetch(`${url}/v1/uploads`, { method: 'POST', body: form, headers: auth });
      const body = (await res.json()) as { asset: Asset };
      if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
      return body.asset.id;
    },
    /** The asset once `done(asset)` holds. */
    async until(id: string, done: (asset: Asset) => boolean, timeoutMs = 30_000): Promise<Asset> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const asset = await registry.get(id);
        if (asset && done(asset)) return asset;
        if (Date.now() > deadline) throw new Error(`asset ${id} is ${JSON.stringify(asset?.status)} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Keeps the original, as the worker's originals step does after delivery. */
    async keep(id: string, data: Buffer): Promise<void> {
      const asset = await registry.get(id);
      if (!asset?.original) throw new Error(`asset ${id} has no original`);
      await originals.put({ key: `originals/${id}`, body: data });
      await registry.update(id, {
        original: { ...asset.original, retained: { key: `originals/${id}`, storedAt: new Date().toISOString() } },
      });
    },
    /** The delivered files of the local destination (what a reader of `assets/` finds). */
    async deliveredKeys(): Promise<string[]> {
      return (await store.list('assets/')).map((object) => object.key);
    },
    /** How many notifications the asset's changes recorded (one per move into ready, rejected or failed). */
    async notificationCount(id: string): Promise<number> {
      return Number((await redis.hget(`${prefix}:asset:${id}`, 'notifySeq')) ?? 0);
    },
    async stopDriver() {
      await driver?.stop();
      driver = undefined;
    },
    startDriver() {
      driver ??= startDriver();
    },
    async close() {
      await driver?.stop();
      server.server.closeAllConnections();
      await server.close();
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([closeQueues(queues), purgeQueue.close(), eraseQueue.close()]);
      await deletePrefix(redisUrl, prefix).catch(() => undefined);
      redis.disconnect();
      workerRedis.disconnect();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
export type ReprocessStack = Awaited<ReturnType<typeof startReprocessStack>>;
