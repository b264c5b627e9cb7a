// Proves dedupe for originals the gateway did not read (direct uploads, jobs): validate computes the SHA-256, and a dedupe asset that duplicates an eligible asset ends rejected with `duplicate` and details.assetId, delivering nothing; other folders and rejected or deleted originals are not matched; of two at once exactly one goes on.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lifecycle, queueNames, type Asset } from '@ingestkit/contracts';
import { createQueue, enqueueStage } from '@ingestkit/runtime';
import { makeAsset, makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { createSourceFetcher } from '../src/sources/source-fetcher';
import { startTestPipeline, type TestPipeline } from './harness';

let redis: TestRedis;
let pipeline: TestPipeline;
let server: Server;
let sourceUrl: string;
let png: Buffer;
let digest: string;
let folders = 0;
const newFolder = () => `dupes-${folders++}`;

beforeAll(async () => {
  png = await makePng({ width: 48, height: 32, seed: 11 });
  digest = createHash('sha256').update(png).digest('hex');
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sourceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/photo.png`;
  redis = await startRedis();
  pipeline = await startTestPipeline({ redisUrl: redis.url });
  pipeline.stageDeps.sources = createSourceFetcher({
    limits: { maxRedirects: 0, connectTimeoutMs: 1_000, timeoutMs: 5_000, maxBytes: 1024 * 1024 },
    allowHosts: ['127.0.0.1/32'],
    buckets: [],
  });
});
afterAll(async () => {
  await pipeline.close();
  await redis.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A direct upload's asset (no digest recorded) in `folder`, settled. */
const direct = async (folder: string, dedupe: boolean) =>
  pipeline.settled(await pipeline.ingest(png, { folder, dedupe, direct: true, fileName: 'a.png' }));

async function job(folder: string): Promise<Asset> {
  const asset = makeAsset({ source: { url: sourceUrl }, folder, dedupe: true, fileName: 'a.png' });
  await pipeline.registry.create(asset);
  const queue = createQueue(queueNames.validate, { connection: pipeline.redis, prefix: pipeline.prefix });
  await enqueueStage(queue, { version: 1, assetId: asset.id });
  await queue.close();
  return pipeline.settled(asset.id);
}

function expectDuplicateOf(asset: Asset, original: Asset) {
  expect(asset).toMatchObject({
    status: 'rejected',
    error: { code: 'duplicate', stage: 'validate', details: { assetId: original.id } },
  });
  expect(asset.output).toBeUndefined();
}

it('records the SHA-256 of a direct upload in validate', async () => {
  const asset = await direct(newFolder(), false);
  expect(asset).toMatchObject({ status: 'ready', original: { sha256: digest } });
});

it('rejects a dedupe direct upload and a dedupe job of the same bytes as duplicate, naming the existing asset', async () => {
  const folder = newFolder();
  const original = await direct(folder, false);
  expect(original.status).toBe('ready');
  const upload = await direct(folder, true);
  expectDuplicateOf(upload, original);
  expect(await pipeline.stagedAfterCleanup(upload.id)).toEqual([]);
  expectDuplicateOf(await job(folder), original);
  // Without dedupe the same bytes are a second asset.
  expect((await direct(folder, false)).status).toBe('ready');
});

it('does not match another folder or policy', async () => {
  const folder = newFolder();
  await direct(folder, false);
  expect((await direct(newFolder(), true)).status).toBe('ready');
  const otherPolicy = await pipeline.settled(
    await pipeline.ingest(png, { folder, dedupe: true, direct: true, policy: 'mobile', fileName: 'a.png' }),
  );
  expect(otherPolicy.status).toBe('ready');
});

it('does not match an original that was rejected or deleted', async () => {
  const folder = newFolder();
  const rejected = makeAsset({
    status: 'rejected',
    folder,
    original: { key: 'staging/gone/original', bytes: png.length, sha256: digest },
  });
  await pipeline.registry.create(rejected);
  const first = await direct(folder, true);
  expect(first.status).toBe('ready');
  const tombstone = await pipeline.registry.transition(first.id, {
    ...lifecycle.deleted,
    patch: { deletedAt: new Date().toISOString() },
  });
  expect(tombstone?.status).toBe('deleted');
  expect((await direct(folder, true)).status).toBe('ready');
});

it('lets exactly one of two identical dedupe uploads validated at once go on', async () => {
  const folder = newFolder();
  const settled = await Promise.all(
    Array.from({ length: 2 }, async () =>
      pipeline.settled(await pipeline.ingest(png, { folder, dedupe: true, direct: true, fileName: 'a.png' })),
    ),
  );
  const ready = settled.filter((asset) => asset.status === 'ready');
  expect(ready).toHaveLength(1);
  expectDuplicateOf(
    settled.find((asset) => asset.status === 'rejected')!,
    ready[0]!,
  );
});

it('does not refuse a dedupe asset whose digest was recorded before (checked at creation, or a repeated run)', async () => {
  const folder = newFolder();
  const original = await direct(folder, false);
  expect(original.status).toBe('ready');
  const recorded = await pipeline.settled(
    await pipeline.ingest(png, { folder, dedupe: true, sha256: digest, fileName: 'a.png' }),
  );
  expect(recorded.status).toBe('ready');
});
