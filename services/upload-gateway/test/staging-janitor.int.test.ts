// Proves the staging janitor cleans up after processes killed at the wrong moment (found by the
// chaos suite: a worker SIGKILLed mid-write left its temp file in staging for ever), and leaves
// everything in progress or needed for a retry alone.
import { mkdtemp, readdir, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { queueNames, stagingKeys } from '@ingestkit/contracts';
import { createRedisAssetRegistry, type AssetRegistry } from '@ingestkit/registry';
import { createLogger, createQueue, createRedis, enqueueStage, waitForRedis, type Redis } from '@ingestkit/runtime';
import { createLocalStore, type ObjectStore } from '@ingestkit/storage';
import { deletePrefix, makeAsset, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createStagingJanitor } from '../src/intake/staging-janitor';

const HOUR_AGO = new Date(Date.now() - 3600_000);
const prefix = uniquePrefix('janitor');
let testRedis: TestRedis;
let redis: Redis;
let root: string;
let staging: ObjectStore;
let registry: AssetRegistry;
let validateQueue: Queue;

beforeAll(async () => {
  testRedis = await startRedis();
  redis = createRedis({ url: testRedis.url, role: 'producer', logger: createLogger({ name: 'test', level: 'silent' }) });
  await waitForRedis(redis, 5_000);
  registry = createRedisAssetRegistry({ redis, prefix });
  validateQueue = createQueue(queueNames.validate, { connection: redis, prefix });
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ingestkit-janitor-'));
  staging = createLocalStore({ root });
});
afterEach(() => rm(root, { recursive: true, force: true }));
afterAll(async () => {
  await validateQueue.close();
  await deletePrefix(testRedis.url, prefix);
  redis.disconnect();
  await testRedis.stop();
});

const janitor = () =>
  createStagingJanitor({
    staging,
    registry,
    validateQueue,
    orphanAfterSeconds: 600,
    expireAwaitingAfterSeconds: 1800,
    hasMultipartSession: async (assetId) => multipartAssets.has(assetId),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
const multipartAssets = new Set<string>();

/** Stages an object for `assetId`, last written an hour ago or now. */
async function stageOriginal(assetId: string, old: boolean): Promise<void> {
  await staging.put({ key: stagingKeys.original(assetId), body: Buffer.from('jpeg bytes') });
  if (old) await utimes(staging.localPath(stagingKeys.original(assetId))!, HOUR_AGO, HOUR_AGO);
}
const staged = async () => (await staging.list('staging/')).map((object) => object.key.split('/')[1]).sort();

it('removes temp files of killed writers once untouched for the window, and keeps fresh ones', async () => {
  await mkdir(join(root, '.tmp'), { recursive: true });
  await writeFile(join(root, '.tmp', 'dead'), 'half');
  await utimes(join(root, '.tmp', 'dead'), HOUR_AGO, HOUR_AGO);
  await writeFile(join(root, '.tmp', 'writing'), 'in progress');
  expect(await janitor().sweep()).toMatchObject({ abandonedWrites: 1 });
  expect(await readdir(join(root, '.tmp'))).toEqual(['writing']);
});

it('removes staging of assets never recorded or already ready/rejected/deleted, and keeps in-progress and failed ones', async () => {
  const neverRecorded = 'ast_neverrecorded00000001';
  const recent = 'ast_neverrecorded00000002';
  const ready = makeAsset({ status: 'ready' });
  const rejected = makeAsset({ status: 'rejected' });
  const failed = makeAsset({ status: 'failed' });
  const optimizing = makeAsset({ status: 'optimizing' });
  const deleted = makeAsset({ status: 'deleted' });
  for (const asset of [ready, rejected, failed, optimizing, deleted]) await registry.create(asset);
  for (const id of [neverRecorded, ready.id, rejected.id, failed.id, optimizing.id, deleted.id]) await stageOriginal(id, true);
  await stageOriginal(recent, false);

  expect(await janitor().sweep()).toMatchObject({ orphanObjects: 4 });
  expect(await staged()).toEqual([failed.id, optimizing.id, recent].sort());
});

it('marks failed (at upload) a queued asset whose validate job was never added, and leaves one with its job alone', async () => {
  const stranded = makeAsset({ status: 'queued', updatedAt: HOUR_AGO.toISOString(), createdAt: HOUR_AGO.toISOString() });
  const withJob = makeAsset({ status: 'queued', updatedAt: HOUR_AGO.toISOString(), createdAt: HOUR_AGO.toISOString() });
  const fresh = makeAsset({ status: 'queued' });
  for (const asset of [stranded, withJob, fresh]) await registry.create(asset);
  await enqueueStage(validateQueue, { version: 1, assetId: withJob.id });

  expect(await janitor().sweep()).toMatchObject({ stranded: 1 });
  expect(await janitor().sweep()).toMatchObject({ stranded: 0 });
  expect(await registry.get(stranded.id)).toMatchObject({
    status: 'failed',
    error: { code: 'dependency_unavailable', stage: 'upload' },
  });
  expect((await registry.get(withJob.id))?.status).toBe('queued');
  expect((await registry.get(fresh.id))?.status).toBe('queued');
  const waiting = (await validateQueue.getWaiting()).map((job) => (job.data as { assetId: string }).assetId);
  expect(waiting).toEqual([withJob.id]);
});

it('expires awaiting_upload assets past URL expiry plus grace: rejected with upload_expired, staging removed', async () => {
  const expired = makeAsset({ status: 'awaiting_upload', createdAt: HOUR_AGO.toISOString(), updatedAt: HOUR_AGO.toISOString() });
  const multipart = makeAsset({
    status: 'awaiting_upload',
    createdAt: HOUR_AGO.toISOString(),
    updatedAt: HOUR_AGO.toISOString(),
  });
  const fresh = makeAsset({ status: 'awaiting_upload' });
  for (const asset of [expired, multipart, fresh]) await registry.create(asset);
  for (const asset of [expired, multipart, fresh]) await stageOriginal(asset.id, false);
  multipartAssets.add(multipart.id);

  expect(await janitor().sweep()).toMatchObject({ expiredUploads: 1 });
  expect(await registry.get(expired.id)).toMatchObject({
    status: 'rejected',
    error: { code: 'upload_expired', stage: 'upload' },
  });
  expect((await registry.get(multipart.id))?.status).toBe('awaiting_upload');
  expect((await registry.get(fresh.id))?.status).toBe('awaiting_upload');
  expect(await staged()).toEqual([multipart.id, fresh.id].sort());
  expect(await janitor().sweep()).toMatchObject({ expiredUploads: 0 });
});
