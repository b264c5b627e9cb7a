// Proves the removal of a reprocess's previous outputs on an S3 destination (s3rver or MinIO) and
// real Redis: nothing is removed before the asset is ready, then exactly the keys the new output
// does not reuse, once; the reprocess is recorded completed and a repeat does nothing.
import { newAssetId, type Asset, type AssetOutput } from '@ingestkit/contracts';
import { createRedisAssetRegistry, type AssetRegistry } from '@ingestkit/registry';
import { createLogger, createRedis, type Redis } from '@ingestkit/runtime';
import { createS3Client, createS3Store, type ObjectStore } from '@ingestkit/storage';
import { deletePrefix, makeAsset, startRedis, startS3, uniquePrefix, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { retirePreviousOutput } from '../src/stages/retire-previous-output';

let redis: TestRedis;
let s3: TestS3;
let connection: Redis;
let registry: AssetRegistry;
let store: ObjectStore;
const prefix = uniquePrefix('retire');
const logger = createLogger({ name: 'test-retire', level: 'silent' });

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: ['assets'] });
  connection = createRedis({ url: redis.url, role: 'producer' });
  registry = createRedisAssetRegistry({ redis: connection, prefix });
  const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
  store = createS3Store({ client, bucket: 'assets' });
});
afterAll(async () => {
  await deletePrefix(redis.url, prefix);
  connection.disconnect();
  await s3.stop();
  await redis.stop();
});

function output(id: string, ext: string, widths: number[]): AssetOutput {
  return {
    name: `p.${ext}`,
    key: `assets/${id}/photo.${ext}`,
    bytes: 3,
    format: ext === 'jpg' ? 'jpeg' : 'webp',
    contentType: `image/${ext}`,
    width: 800,
    height: 600,
    url: `https://cdn.test/assets/${id}/photo.${ext}?v=1`,
    variants: widths.map((width) => ({
      width,
      height: width,
      bytes: 1,
      key: `assets/${id}/photo-${width}w.${ext}`,
      format: ext === 'jpg' ? ('jpeg' as const) : ('webp' as const),
      contentType: `image/${ext}`,
    })),
  };
}

const keysOf = (o: AssetOutput) => [o.key, ...(o.variants ?? []).map((v) => v.key)];

it('removes only the old keys the new output does not reuse, once the asset is ready, and records it completed', async () => {
  const id = newAssetId();
  const old = output(id, 'jpg', [320, 640]);
  const older = output(id, 'webp', [480]); // left by an earlier reprocess that ended before its removal
  const current = output(id, 'webp', [320]); // reuses the older main key, not its 480 variant
  for (const key of [...keysOf(old), ...keysOf(older), ...keysOf(current)]) await store.put({ key, body: Buffer.from('x') });
  const asset: Asset = makeAsset({
    id,
    status: 'delivering',
    destination: 's3',
    output: current,
    reprocessing: { previousOutputs: [old, older], requestedAt: new Date().toISOString() },
  });
  await registry.create(asset);
  const deps = { registry, retirement: { stores: { s3: store } } };

  // Not ready yet: nothing is removed.
  await retirePreviousOutput(deps, { assetId: id, logger });
  for (const key of keysOf(old)) expect(await store.head(key)).not.toBeNull();

  await registry.transition(id, { from: ['delivering'], to: 'ready' });
  await retirePreviousOutput(deps, { assetId: id, logger });
  const left = (await store.list(`assets/${id}/`)).map((object) => object.key).sort();
  expect(left).toEqual(keysOf(current).sort());
  const done = await registry.get(id);
  expect(done?.reprocessing).toMatchObject({ previousOutputs: [], completedAt: expect.any(String) });

  // Repeating it (a replayed job) removes nothing more and keeps the completion.
  await store.put({ key: old.key, body: Buffer.from('a later writer') });
  await retirePreviousOutput(deps, { assetId: id, logger });
  expect(await store.head(old.key)).not.toBeNull();
  expect((await registry.get(id))?.reprocessing?.completedAt).toBe(done?.reprocessing?.completedAt);
});
