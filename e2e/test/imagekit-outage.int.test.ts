// Proves that while ImageKit is unreachable an asset retries, then ends `failed` with a clear code and its staging kept, and that POST /v1/assets/:id/retry's logic (retryAsset) delivers it once ImageKit is back — one file, one version.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { newAssetId, stagingKeys, type Asset } from '@ingestkit/contracts';
import { createImageKitClient } from '@ingestkit/imagekit';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { createImageKitDestination, registerStageWorkers } from '@ingestkit/ingest-worker';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import {
  closeQueues,
  createIngestQueues,
  createJobMetrics,
  createLogger,
  createMetricsRegistry,
  createRedis,
  enqueueStage,
  waitForRedis,
} from '@ingestkit/runtime';
import { createLocalStore } from '@ingestkit/storage';
import { deletePrefix, makeJpeg, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { retryAsset } from '@ingestkit/upload-gateway';

jest.setTimeout(60_000);
const keys = { privateKey: 'private_outage', publicKey: 'public_outage' };

let redis: TestRedis;
let emulator: Emulator;
let dataDir: string;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ ...keys, port: 0 });
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-outage-'));
});
afterAll(async () => {
  await emulator.close();
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function waitForStatus(get: () => Promise<Asset | null>, statuses: string[]): Promise<Asset> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const asset = await get();
    if ((asset && statuses.includes(asset.status)) || Date.now() > deadline) return asset!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('fails with destination_error after its retries while ImageKit is down, and a retry delivers it once it is back', async () => {
  const prefix = uniquePrefix('outage');
  const connection = createRedis({ url: redis.url, role: 'producer' });
  const workerConnection = createRedis({ url: redis.url, role: 'worker' });
  await waitForRedis(connection, 5_000);
  const registry = createRedisAssetRegistry({ redis: connection, prefix });
  // Two quick attempts instead of the catalog's minutes of backoff.
  const queues = createIngestQueues({ connection, prefix, jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 100 } } });
  const staging = createLocalStore({ root: dataDir });
  const client = createImageKitClient({ ...keys, urlEndpoint: emulator.urlEndpoint, baseURL: emulator.url, timeoutMs: 2_000 });
  const workers: Worker[] = registerStageWorkers(
    {
      registry,
      staging,
      limits: { maxInputBytes: 64 * 1024 * 1024, maxInputPixels: 50_000_000 },
      queues,
      destinations: { imagekit: createImageKitDestination({ client }) },
    },
    {
      connection: workerConnection,
      prefix,
      concurrency: 1,
      logger: createLogger({ name: 'outage', level: 'silent' }),
      metrics: createJobMetrics(createMetricsRegistry({ service: 'outage', defaultMetrics: false })),
    },
    { settings: undefined },
  );
  for (const worker of workers) void worker.run();
  try {
    emulator.setFaults({ down: true });
    const id = newAssetId();
    const data = await makeJpeg({ width: 800, height: 600 });
    await staging.put({ key: stagingKeys.original(id), body: data });
    const now = new Date().toISOString();
    await registry.create({
      id,
      status: 'queued',
      destination: 'imagekit',
      policy: 'default',
      fileName: 'outage.jpg',
      tags: [],
      metadata: {},
      original: { key: stagingKeys.original(id), bytes: data.length, sha256: '0'.repeat(64) },
      timings: {},
      createdAt: now,
      updatedAt: now,
    });
    await enqueueStage(queues.validate, { version: 1, assetId: id });

    const failed = await waitForStatus(() => registry.get(id), ['failed', 'ready', 'rejected']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'destination_error', stage: 'deliver' });
    expect((await staging.list(stagingKeys.prefix(id))).length).toBeGreaterThan(0);
    expect(emulator.files()).toHaveLength(0);

    emulator.setFaults({});
    await retryAsset({ registry, queues }, id);
    const ready = await waitForStatus(() => registry.get(id), ['ready', 'rejected', 'failed']);
    expect(ready.status).toBe('ready');
    expect(emulator.files()).toHaveLength(1);
    expect(emulator.files()[0]!.versions).toHaveLength(1);
    expect(ready.output?.imagekit?.fileId).toBe(emulator.files()[0]!.fileId);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await closeQueues(queues);
    await deletePrefix(redis.url, prefix);
    connection.disconnect();
    workerConnection.disconnect();
  }
});
