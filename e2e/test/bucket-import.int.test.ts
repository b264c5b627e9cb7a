// Proves bucket imports end to end: 2,500 objects on s3rver (some not images) listed over three pages, the gateway restarted in the middle of the listing, end with exact counts; importing again creates nothing; a cancelled import stops listing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Import } from '@ingestkit/client';
import { loadIngestWorkerConfig, startIngestWorker } from '@ingestkit/ingest-worker';
import { createLogger, createRedis, waitForRedis, type ShutdownStep } from '@ingestkit/runtime';
import { createS3Client, createS3Store } from '@ingestkit/storage';
import { deletePrefix, findFreePort, startRedis, startS3, uniquePrefix, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { loadGatewayConfig, startGateway } from '@ingestkit/upload-gateway';
import sharp from 'sharp';

// 2,500 tiny images through the whole pipeline: about a minute on an idle 2-core machine, far more on a busy one.
jest.setTimeout(600_000);

const API_KEY = 'import-key';
const IMAGES = 2_480;
const NOT_IMAGES = 20;
const logger = createLogger({ name: 'e2e-import', level: (process.env.E2E_LOG_LEVEL ?? 'silent') as 'silent' });
const stop = async (steps: ShutdownStep[]) => {
  for (const step of steps) await step.close();
};

let redis: TestRedis;
let s3: TestS3;
let dataDir: string;
let env: Record<string, string>;
const saved = { ...process.env };

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: ['ingestkit-staging', 'ingestkit-assets', 'imports'] });
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  dataDir = await mkdtemp(join(tmpdir(), 'ingestkit-import-'));
  env = {
    REDIS_URL: redis.url,
    QUEUE_PREFIX: uniquePrefix('e2e-import'),
    DATA_DIR: dataDir,
    API_KEYS: API_KEY,
    GATEWAY_SIGNING_SECRET: 'e2e-signing-secret-0123456789abcdef',
    GATEWAY_PORT: String(await findFreePort()),
    WORKER_METRICS_PORT: String(await findFreePort()),
    SOURCE_BUCKETS: 'imports',
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    // Tiny images: their cost is per job, not per pixel, so more at once and the cheapest encode.
    IMAGE_ISOLATION: 'none',
    WORKER_CONCURRENCY: '8',
    POLICIES_JSON: JSON.stringify({ policies: { fast: { kind: 'delivery', format: 'png', quality: 80, placeholder: false } } }),
  };
  const bucket = createS3Store({
    bucket: 'imports',
    client: createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials }),
  });
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366aa' } })
    .png()
    .toBuffer();
  const keys = [
    ...Array.from({ length: IMAGES }, (_, i) => ({ key: `library/${String(i).padStart(5, '0')}.img`, body: png })),
    ...Array.from({ length: NOT_IMAGES }, (_, i) => ({ key: `library/notes-${i}.jpg`, body: Buffer.from(`not an image ${i}`) })),
  ];
  for (let start = 0; start < keys.length; start += 50) {
    await Promise.all(keys.slice(start, start + 50).map(({ key, body }) => bucket.put({ key, body })));
  }
});

afterAll(async () => {
  await deletePrefix(redis.url, env.QUEUE_PREFIX!);
  await rm(dataDir, { recursive: true, force: true });
  await s3.stop();
  await redis.stop();
  process.env = saved;
});

/** Polls an import (each read tallies all its assets: not too often, the worker shares this process). */
async function until(
  read: () => Promise<Import>,
  done: (i: Import) => boolean,
  timeoutMs: number,
  everyMs = 1_000,
): Promise<Import> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await read();
    if (done(current) || Date.now() > deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

it('imports 2,500 objects over several pages across a gateway restart, with exact counts, and never twice', async () => {
  const worker = await startIngestWorker(loadIngestWorkerConfig(env), logger);
  let gateway = await startGateway(loadGatewayConfig(env), logger);
  let running = true;
  try {
    const client = createClient({ url: gateway.url, apiKey: API_KEY });
    const started = await client.imports.create({
      source: { bucket: 'imports', prefix: 'library/' },
      folder: 'imported',
      policy: 'fast',
    });
    const firstPage = await until(
      () => client.imports.get(started.id),
      (i) => i.counts.listed >= 1000,
      60_000,
    );
    expect(firstPage.counts.listed).toBeGreaterThanOrEqual(1000);
    running = false;
    await stop(gateway.shutdownSteps); // mid-listing: the page being listed finishes, the next ones wait in Redis
    const probe = createRedis({ url: redis.url, role: 'producer' });
    await waitForRedis(probe, 5_000);
    const listedWhileDown = await probe.scard(`${env.QUEUE_PREFIX}:import:${started.id}:assets`);
    await probe.quit();
    expect(listedWhileDown).toBeGreaterThanOrEqual(1000);
    expect(listedWhileDown).toBeLessThan(IMAGES + NOT_IMAGES);

    gateway = await startGateway(loadGatewayConfig(env), logger);
    running = true;
    const finished = await until(
      () => client.imports.get(started.id),
      (i) => i.status === 'done',
      480_000,
    );
    expect(finished).toMatchObject({
      status: 'done',
      counts: { listed: 2_500, skipped: 0, queued: 0, ready: IMAGES, rejected: NOT_IMAGES, failed: 0, deleted: 0 },
      errors: { unsupported_media_type: NOT_IMAGES },
    });

    const again = await client.imports.create({
      source: { bucket: 'imports', prefix: 'library/' },
      folder: 'imported',
      policy: 'fast',
    });
    expect(
      await until(
        () => client.imports.get(again.id),
        (i) => i.status === 'done',
        60_000,
      ),
    ).toMatchObject({
      counts: { listed: 2_500, skipped: 2_500, queued: 0, ready: 0, rejected: 0, failed: 0 },
    });

    const cancelled = await client.imports.create({ source: { bucket: 'imports', prefix: 'library/' } });
    await client.imports.cancel(cancelled.id);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await client.imports.get(cancelled.id);
    expect(after.status).toBe('cancelled');
    expect(after.counts.listed).toBeLessThanOrEqual(1000);
    await expect(client.imports.create({ source: { bucket: 'elsewhere', prefix: '' } })).rejects.toMatchObject({
      code: 'source_forbidden',
      status: 422,
    });
  } finally {
    if (running) await stop(gateway.shutdownSteps);
    await stop(worker.shutdownSteps);
  }
});
