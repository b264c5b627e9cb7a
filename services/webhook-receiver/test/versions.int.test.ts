// Proves emulator webhooks over real HTTP are verified, enqueued and applied: direct uploads become ready assets with versions, an overwrite makes version 2 current and queues a purge of the old URL, ingestkit's own files are found by path, and deletions are recorded.
import { Queue } from 'bullmq';
import { newAssetId, purgeIdFrom, purgeJobId, queueNames, stageJobId, type Asset } from '@ingestkit/contracts';
import { notificationFromOutbox, outboxKeys } from '@ingestkit/registry';
import { createRedisPurgeStore } from '@ingestkit/purge';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { externalAssetId } from '../src/file-version';
import { SECRET, startTestReceiver, type TestReceiver } from './harness';

const PRIVATE_KEY = 'private_receiver_test';

let redis: TestRedis;
let receiver: TestReceiver;
let emulator: Emulator;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  receiver = await startTestReceiver({ redisUrl: redis.url });
  emulator = await startEmulator({
    privateKey: PRIVATE_KEY,
    publicKey: 'public_receiver_test',
    webhookUrl: receiver.webhookUrl,
    webhookSecret: SECRET,
    webhookRetry: { delaysMs: [50, 100], timeoutMs: 2_000 },
  });
});
afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

const basicAuth = `Basic ${Buffer.from(`${PRIVATE_KEY}:`).toString('base64')}`;

/** Uploads through the emulator's upload API with private-key Basic auth, as a backend or browser SDK would. */
async function upload(fileName: string, width: number, folder = '/'): Promise<{ fileId: string; url: string; filePath: string }> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(await makePng({ width, height: 8 }))], { type: 'image/png' }), fileName);
  form.set('fileName', fileName);
  form.set('folder', folder);
  form.set('useUniqueFileName', 'false');
  const response = await fetch(`${emulator.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization: basicAuth },
    body: form,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { fileId: string; url: string; filePath: string };
}

function versionsOf(assetId: string, count: number): Promise<Asset | null> {
  return receiver.until(
    () => receiver.registry.get(assetId),
    (asset) => (asset?.versions?.length ?? 0) >= count,
  );
}

it('records a direct upload as a ready ImageKit asset with its first version', async () => {
  const file = await upload('direct.png', 16, '/browser');
  const assetId = externalAssetId(file.fileId);
  const asset = (await versionsOf(assetId, 1))!;

  expect(asset).toMatchObject({ status: 'ready', destination: 'imagekit', fileName: 'direct.png', folder: 'browser' });
  expect(asset.output?.imagekit).toMatchObject({ fileId: file.fileId, filePath: '/browser/direct.png' });
  expect(asset.versions).toEqual([
    expect.objectContaining({
      current: true,
      name: 'Version 1',
      url: expect.stringMatching(/\/browser\/direct\.png\?updatedAt=\d+$/),
    }),
  ]);
  expect(await receiver.registry.findByImageKitFileId(file.fileId)).toBe(assetId);
  expect(emulator.webhookDeliveries().map((delivery) => [delivery.type, delivery.status])).toEqual([['file.created', 200]]);
});

it('makes an overwrite version 2 current and queues a purge of the old URL', async () => {
  const first = await upload('hero.png', 16);
  const assetId = externalAssetId(first.fileId);
  const v1 = (await versionsOf(assetId, 1))!.versions![0]!;
  const second = await upload('hero.png', 32);
  expect(second.fileId).toBe(first.fileId);

  const asset = (await versionsOf(assetId, 2))!;
  expect(asset.versions!.map((version) => [version.name, version.current])).toEqual([
    ['Version 1', false],
    ['Version 2', true],
  ]);
  const v2 = asset.versions![1]!;
  expect(v2.url).not.toBe(v1.url);
  expect(Number(new URL(v2.url).searchParams.get('updatedAt'))).toBeGreaterThanOrEqual(
    Number(new URL(v1.url).searchParams.get('updatedAt')),
  );

  // The path URL without ?updatedAt= is what CDNs cached for version 1.
  const oldUrl = first.url;
  expect(oldUrl).not.toContain('?');
  const purgeId = purgeIdFrom(`${first.fileId} ${v1.versionId}`);
  const purge = await receiver.until(
    () => receiver.purgeQueue.getJob(purgeJobId(oldUrl, 'version-superseded', purgeId)),
    (job) => job !== undefined,
  );
  expect(purge!.data).toEqual({ version: 1, url: oldUrl, reason: 'version-superseded', assetId, purgeId });
  expect(await receiver.purgeQueue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  // The purge is tracked: GET /v1/purge/:id reads this record.
  const tracked = await createRedisPurgeStore({ redis: receiver.redis, prefix: receiver.prefix }).get(purgeId);
  expect(tracked).toMatchObject({
    id: purgeId,
    status: 'queued',
    reason: 'version-superseded',
    urls: [{ url: oldUrl, status: 'queued' }],
  });
});

it('finds an asset ingestkit delivered by the asset id in its path, before any index exists', async () => {
  const assetId = newAssetId();
  const now = new Date().toISOString();
  await receiver.registry.create({
    id: assetId,
    status: 'delivering',
    destination: 'imagekit',
    policy: 'default',
    fileName: 'photo.jpg',
    tags: [],
    metadata: {},
    timings: {},
    createdAt: now,
    updatedAt: now,
  });
  const file = await upload(`photo_${assetId}.png`, 16, '/products');

  const asset = (await versionsOf(assetId, 1))!;
  expect(asset.status).toBe('delivering');
  expect(asset.versions).toEqual([expect.objectContaining({ current: true })]);
  expect(await receiver.registry.findByImageKitFileId(file.fileId)).toBe(assetId);
  expect(await receiver.registry.get(externalAssetId(file.fileId))).toBeNull();
});

it('records a deleted file on its versions, keeping them as history', async () => {
  const file = await upload('gone.png', 16);
  const assetId = externalAssetId(file.fileId);
  await versionsOf(assetId, 1);
  const response = await fetch(`${emulator.url}/v1/files/${file.fileId}`, {
    method: 'DELETE',
    headers: { authorization: basicAuth },
  });
  expect(response.status).toBe(204);

  const asset = await receiver.until(
    () => receiver.registry.get(assetId),
    // The versions record the deletion first, then the tombstone is written: wait for both.
    (value) => value?.versions?.[0]?.deletedAt !== undefined && value.status === 'deleted',
  );
  expect(asset!.versions).toEqual([expect.objectContaining({ current: false, deletedAt: expect.any(String) })]);
  expect(asset).toMatchObject({ status: 'deleted', deletedAt: expect.any(String) });
});

it('deletes an asset ingestkit delivered when ImageKit reports its file deleted: tombstone, asset.deleted, erase job', async () => {
  const assetId = newAssetId();
  const now = new Date().toISOString();
  await receiver.registry.create({
    id: assetId,
    status: 'ready',
    destination: 'imagekit',
    policy: 'default',
    fileName: 'photo.jpg',
    tags: [],
    metadata: {},
    timings: {},
    createdAt: now,
    updatedAt: now,
  });
  const file = await upload(`photo_${assetId}.png`, 16, '/shop');
  await versionsOf(assetId, 1);
  const response = await fetch(`${emulator.url}/v1/files/${file.fileId}`, {
    method: 'DELETE',
    headers: { authorization: basicAuth },
  });
  expect(response.status).toBe(204);

  const asset = (await receiver.until(
    () => receiver.registry.get(assetId),
    (value) => value?.status === 'deleted',
  ))!;
  expect(asset.deletedAt).toEqual(asset.versions![0]!.deletedAt);
  expect(asset.deletedBy).toBeUndefined();
  const eraseQueue = new Queue(queueNames.erase, { connection: receiver.redis, prefix: receiver.prefix });
  expect(await eraseQueue.getJobState(stageJobId(assetId, queueNames.erase))).toBe('waiting');
  await eraseQueue.close();
  // The outbox is pushed on its head: oldest last.
  const outbox = (await receiver.redis.lrange(outboxKeys(receiver.prefix).pending, 0, -1)).reverse().map(notificationFromOutbox);
  expect(outbox.filter((entry) => entry.data.asset.id === assetId).map((entry) => entry.type)).toEqual([
    'asset.version.created',
    'asset.deleted',
  ]);
});

it('keeps the tombstone of an asset already deleted when its file.deleted arrives', async () => {
  const assetId = newAssetId();
  const now = new Date().toISOString();
  const deletedAt = new Date(Date.now() - 60_000).toISOString();
  await receiver.registry.create({
    id: assetId,
    status: 'deleted',
    destination: 'imagekit',
    policy: 'default',
    fileName: 'photo.jpg',
    tags: [],
    metadata: {},
    timings: {},
    deletedAt,
    deletedBy: { keyId: 'k1' },
    createdAt: now,
    updatedAt: now,
  });
  const file = await upload(`photo_${assetId}.png`, 16, '/late');
  await versionsOf(assetId, 1);
  await fetch(`${emulator.url}/v1/files/${file.fileId}`, { method: 'DELETE', headers: { authorization: basicAuth } });
  const asset = (await receiver.until(
    () => receiver.registry.get(assetId),
    (value) => value?.versions?.[0]?.deletedAt !== undefined,
  ))!;
  expect(asset).toMatchObject({ status: 'deleted', deletedAt, deletedBy: { keyId: 'k1' } });
  const outbox = (await receiver.redis.lrange(outboxKeys(receiver.prefix).pending, 0, -1)).map(notificationFromOutbox);
  expect(outbox.filter((entry) => entry.data.asset.id === assetId && entry.type === 'asset.deleted')).toEqual([]);
});
