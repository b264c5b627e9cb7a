// Proves that when the staging disk (a real tmpfs) is full or read-only the pipeline retries with backoff, then ends the asset `failed` with storage_full / storage_read_only (uploads keep their original; URL jobs are not blamed on the source), and that POST /v1/assets/:id/retry's logic (retryAsset) delivers it once the disk is back.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Queue, Worker } from 'bullmq';
import { newAssetId, queueNames, stageJobId, stagingKeys, type Asset } from '@ingestkit/contracts';
import { createSourceFetcher, createStoreDestination, registerStageWorkers } from '@ingestkit/ingest-worker';
import { createRedisAssetRegistry, type AssetRegistry } from '@ingestkit/registry';
import {
  closeQueues,
  createIngestQueues,
  createJobMetrics,
  createLogger,
  createMetricsRegistry,
  createRedis,
  enqueueStage,
  waitForRedis,
  type IngestQueues,
  type Redis,
} from '@ingestkit/runtime';
import { createLocalStore, type ObjectStore } from '@ingestkit/storage';
import {
  deletePrefix,
  makeAsset,
  makeJpeg,
  mountTmpfs,
  startRedis,
  uniquePrefix,
  type TestRedis,
  type TestTmpfs,
} from '@ingestkit/testkit';
import { retryAsset } from '@ingestkit/upload-gateway';

jest.setTimeout(60_000);
/** Three quick attempts instead of the catalog's minutes of backoff; the backoff stays exponential. */
const ATTEMPTS = 3;

let redis: TestRedis;
let disk: TestTmpfs;
let connection: Redis;
let workerConnection: Redis;
let prefix: string;
let registry: AssetRegistry;
let queues: IngestQueues;
let staging: ObjectStore;
let workers: Worker[];
let jpeg: Buffer;
let sourceServer: Server;

beforeAll(async () => {
  jpeg = await makeJpeg({ width: 800, height: 600 });
  sourceServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
  await new Promise<void>((resolve) => sourceServer.listen(0, '127.0.0.1', resolve));
  redis = await startRedis();
  disk = await mountTmpfs({ sizeBytes: 8 * 1024 * 1024 });
  prefix = uniquePrefix('disk-faults');
  connection = createRedis({ url: redis.url, role: 'producer' });
  workerConnection = createRedis({ url: redis.url, role: 'worker' });
  await waitForRedis(connection, 5_000);
  registry = createRedisAssetRegistry({ redis: connection, prefix });
  queues = createIngestQueues({
    connection,
    prefix,
    jobOptions: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 100 } },
  });
  // As in production: one local store on DATA_DIR holds staging and the local destination.
  staging = createLocalStore({ root: disk.dir });
  workers = registerStageWorkers(
    {
      registry,
      staging,
      limits: { maxInputBytes: 64 * 1024 * 1024, maxInputPixels: 50_000_000 },
      queues,
      destinations: { local: createStoreDestination({ kind: 'local', store: staging, publicUrl: 'http://files.test/files' }) },
      sources: createSourceFetcher({
        limits: { maxRedirects: 1, connectTimeoutMs: 1_000, timeoutMs: 5_000, maxBytes: 16 * 1024 * 1024 },
        allowHosts: ['127.0.0.1/32'],
        buckets: [],
      }),
    },
    {
      connection: workerConnection,
      prefix,
      concurrency: 1,
      logger: createLogger({ name: 'disk-faults', level: 'silent' }),
      metrics: createJobMetrics(createMetricsRegistry({ service: 'disk-faults', defaultMetrics: false })),
    },
    { settings: undefined },
  );
  for (const worker of workers) void worker.run();
});
afterEach(async () => {
  await disk.remountWritable();
  await disk.drain();
});
afterAll(async () => {
  await Promise.all((workers ?? []).map((worker) => worker.close()));
  if (queues) await closeQueues(queues);
  if (prefix) await deletePrefix(redis.url, prefix);
  connection?.disconnect();
  workerConnection?.disconnect();
  await disk?.unmount();
  await redis?.stop();
  sourceServer?.closeAllConnections();
  await new Promise((resolve) => sourceServer?.close(resolve));
});

/** Stages a JPEG as a new `queued` asset's original, as the gateway does; queue it with `enqueueStage`. */
async function stageAsset(): Promise<string> {
  const id = newAssetId();
  await staging.put({ key: stagingKeys.original(id), body: jpeg });
  await registry.create(
    makeAsset({ id, original: { key: stagingKeys.original(id), bytes: jpeg.length, sha256: '0'.repeat(64) } }),
  );
  return id;
}

async function settled(id: string): Promise<Asset> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const asset = await registry.get(id);
    if ((asset && ['ready', 'failed', 'rejected'].includes(asset.status)) || Date.now() > deadline) return asset!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A stage job once BullMQ has moved it to failed. */
async function failedJob(jobId: string, queue: Queue = queues.optimize) {
  const deadline = Date.now() + 10_000;
  while ((await queue.getJobState(jobId)) !== 'failed' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return queue.getJob(jobId);
}

const tmpEntries = async () => (existsSync(path.join(disk.dir, '.tmp')) ? readdir(path.join(disk.dir, '.tmp')) : []);

it.each([
  ['full', 'storage_full', () => disk.fill(), () => disk.drain()],
  ['read-only', 'storage_read_only', () => disk.remountReadOnly(), () => disk.remountWritable()],
] as const)(
  'retries while the disk is %s, fails with %s keeping the original, and delivers on retry once it is back',
  async (_state, code, breakDisk, repairDisk) => {
    const id = await stageAsset();
    // Validation only reads the original; optimization is the first stage that writes.
    await breakDisk();
    await enqueueStage(queues.validate, { version: 1, assetId: id });

    const failed = await settled(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code, stage: 'optimize' });
    // The asset is marked failed during the last attempt, just before BullMQ records that attempt.
    const job = await failedJob(stageJobId(id, queueNames.optimize));
    expect(job?.attemptsMade).toBe(ATTEMPTS);
    expect(job?.failedReason).toContain(code === 'storage_full' ? 'no space left' : 'refuses writes');
    // Nothing half-written: the original is kept for the retry, no optimized output, no temp file.
    expect((await staging.list(stagingKeys.prefix(id))).map((object) => object.key)).toEqual([stagingKeys.original(id)]);
    expect(await tmpEntries()).toEqual([]);

    await repairDisk();
    await retryAsset({ registry, queues }, id);
    const ready = await settled(id);
    expect(ready.status).toBe('ready');
    expect(await staging.head(ready.output!.key)).toMatchObject({ bytes: ready.output!.bytes });
    // The deliver job removes staging after it marks the asset ready: look once the job is done.
    await waitForJobState(queues.deliver, stageJobId(id, queueNames.deliver), 'completed');
    expect(await staging.list(stagingKeys.prefix(id))).toEqual([]);
  },
);

it('fails a URL job whose source cannot be staged on a full disk with storage_full, not source_unreachable, and fetches it on retry', async () => {
  const url = `http://127.0.0.1:${(sourceServer.address() as AddressInfo).port}/photo.jpg`;
  const asset = makeAsset({ source: { url } });
  await registry.create(asset);
  const { id } = asset;
  await disk.fill();
  await enqueueStage(queues.validate, { version: 1, assetId: id });

  const failed = await settled(id);
  expect(failed.status).toBe('failed');
  expect(failed.error).toMatchObject({ code: 'storage_full', stage: 'validate' });
  expect((await failedJob(stageJobId(id, queueNames.validate), queues.validate))?.attemptsMade).toBe(ATTEMPTS);
  expect(await staging.list(stagingKeys.prefix(id))).toEqual([]);
  expect(await tmpEntries()).toEqual([]);

  await disk.drain();
  await retryAsset({ registry, queues }, id);
  const ready = await settled(id);
  expect(ready.status).toBe('ready');
  expect(ready.original).toMatchObject({ bytes: jpeg.length, format: 'jpeg' });
});

/** Polls until the job reaches `state` (10 s at most; the assertion after it says what was wrong). */
async function waitForJobState(queue: { getJobState(id: string): Promise<string> }, jobId: string, state: string) {
  const deadline = Date.now() + 10_000;
  while ((await queue.getJobState(jobId)) !== state && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
