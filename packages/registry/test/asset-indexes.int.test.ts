// Proves the Redis registry's listing indexes hold exactly what the asset hashes imply after concurrent writes, that a filtered page bounds its work, and that the backfill indexes assets written before the indexes existed, idempotently.
import { lifecycle, newAssetId, type Asset } from '@ingestkit/contracts';
import { createRedis, waitForRedis, type Redis } from '@ingestkit/runtime';
import { deletePrefix, makeAsset, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { encodeAsset } from '../src/asset-hash';
import { backfillAssetIndexes } from '../src/backfill-asset-indexes';
import { createRedisAssetRegistry } from '../src/redis-asset-registry';

let redis: TestRedis;
let connection: Redis;
let prefix: string;
beforeAll(async () => {
  redis = await startRedis();
  connection = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(connection, 5_000);
});
beforeEach(() => {
  prefix = uniquePrefix('indexes');
});
afterEach(async () => {
  await deletePrefix(redis.url, prefix);
});
afterAll(async () => {
  connection.disconnect();
  await redis.stop();
});

/** The index keys an asset belongs to, written independently of the Lua that maintains them. */
function expectedKeys(asset: Asset): string[] {
  const base = `${prefix}:assets:`;
  const folder = asset.folder ?? '';
  const segments = folder.split('/');
  return [
    `${base}all`,
    `${base}status:${asset.status}`,
    `${base}policy:${asset.policy}`,
    `${base}destination:${asset.destination}`,
    ...asset.tags.map((tag) => `${base}tag:${tag}`),
    ...(folder
      ? [`${base}folder:${folder}`, ...segments.map((_, i) => `${base}under:${segments.slice(0, i + 1).join('/')}`)]
      : []),
  ].sort();
}

/** Every index key holding each asset id, read from Redis. */
async function indexedKeys(): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>();
  const keys: string[] = [];
  for await (const batch of connection.scanStream({ match: `${prefix}:assets:*`, count: 1_000 }))
    keys.push(...(batch as string[]));
  for (const key of keys.filter((k) => !k.endsWith(':index-version'))) {
    for (const member of await connection.zrange(key, 0, -1)) {
      const id = member.slice(member.indexOf(':') + 1);
      byId.set(id, [...(byId.get(id) ?? []), key].sort());
    }
  }
  return byId;
}

async function expectIndexesToMatch(ids: string[]) {
  const registry = createRedisAssetRegistry({ redis: connection, prefix });
  const indexed = await indexedKeys();
  for (const id of ids) {
    const asset = (await registry.get(id))!;
    expect({ id, keys: indexed.get(id) }).toEqual({ id, keys: expectedKeys(asset) });
  }
  expect([...indexed.keys()].sort()).toEqual([...ids].sort());
}

it('holds exactly the index entries the records imply after many concurrent creates, transitions and tag updates', async () => {
  const registry = createRedisAssetRegistry({ redis: connection, prefix });
  const assets = Array.from({ length: 60 }, (_, i) =>
    makeAsset({
      folder: ['a', 'a/b', 'a/b/c', 'ab', undefined][i % 5],
      tags: i % 3 ? [`t${i % 4}`] : [],
      policy: `p${i % 2}`,
      destination: (['local', 's3', 'imagekit'] as const)[i % 3],
    }),
  );
  await Promise.all(assets.map((asset) => registry.create(asset)));
  await Promise.all(
    assets.flatMap((asset, i) => [
      registry.transition(asset.id, { from: ['queued'], to: 'validating' }),
      registry.transition(asset.id, lifecycle.enter('optimize')),
      registry.update(asset.id, { tags: [`u${i % 3}`, 'shared'] }),
      ...(i % 2
        ? [registry.transition(asset.id, lifecycle.enter('deliver')), registry.transition(asset.id, lifecycle.delivered)]
        : [registry.transition(asset.id, lifecycle.finalFailure('optimize', true))]),
      registry.update(asset.id, { tags: i % 2 ? [] : ['last'] }),
      registry.recordTiming(asset.id, 'optimize', { startedAt: asset.createdAt, finishedAt: asset.createdAt, durationMs: 1 }),
    ]),
  );
  await expectIndexesToMatch(assets.map((asset) => asset.id));
});

it('answers a short page with a cursor when a combination needs more members than one call may examine', async () => {
  const registry = createRedisAssetRegistry({ redis: connection, prefix, listScanLimit: 4 });
  const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms).toISOString();
  const wanted = makeAsset({ folder: 'f', tags: ['t'], createdAt: at(0), updatedAt: at(0) });
  await registry.create(wanted);
  for (let i = 1; i <= 10; i++) {
    const folderOnly = makeAsset({ folder: 'f', tags: ['u'], createdAt: at(i), updatedAt: at(i) });
    const tagOnly = makeAsset({ folder: 'g', tags: ['t'], createdAt: at(i), updatedAt: at(i) });
    await Promise.all([registry.create(folderOnly), registry.create(tagOnly)]);
  }
  const first = await registry.list({ folder: 'f', tag: 't', limit: 2 });
  expect(first).toEqual({ assets: [], nextCursor: expect.any(String) });
  const found: string[] = [];
  let cursor: string | undefined = first.nextCursor;
  let calls = 1;
  while (cursor) {
    const page = await registry.list({ folder: 'f', tag: 't', limit: 2, cursor });
    found.push(...page.assets.map((asset) => asset.id));
    cursor = page.nextCursor;
    calls++;
  }
  expect(found).toEqual([wanted.id]);
  expect(calls).toBeGreaterThanOrEqual(3);
  // The budget is at least one page: one index alone is never cut short.
  expect((await registry.list({ folder: 'f', limit: 10 })).assets).toHaveLength(10);
});

describe('backfillAssetIndexes', () => {
  /** An asset as a registry without listing wrote it: a hash and no index entry. */
  async function writeUnlisted(asset: Asset) {
    await connection.hset(`${prefix}:asset:${asset.id}`, encodeAsset(asset));
  }

  /** An asset as the registry before filters wrote it: listed in `all` and its status only. */
  async function writeListedByStatusOnly(asset: Asset) {
    const member = `${String(Date.parse(asset.createdAt)).padStart(15, '0')}:${asset.id}`;
    await connection.hset(`${prefix}:asset:${asset.id}`, { ...encodeAsset(asset), listMember: member });
    await connection.zadd(`${prefix}:assets:all`, 0, member);
    await connection.zadd(`${prefix}:assets:status:${asset.status}`, 0, member);
  }

  it('indexes assets written before the indexes, once, and lists them by every filter', async () => {
    const registry = createRedisAssetRegistry({ redis: connection, prefix });
    const unlisted = makeAsset({ folder: 'old/x', tags: ['t1'], policy: 'p1', destination: 's3', status: 'ready' });
    const statusOnly = makeAsset({ folder: 'old/y', tags: ['t1', 't2'], policy: 'p2', destination: 'imagekit' });
    const current = makeAsset({ folder: 'old', tags: ['t2'] });
    await writeUnlisted(unlisted);
    await writeListedByStatusOnly(statusOnly);
    await registry.create(current);
    await connection.set(`${prefix}:unrelated:key`, 'x');
    expect((await registry.list({ tag: 't1', limit: 10 })).assets).toEqual([]);

    expect(await backfillAssetIndexes({ redis: connection, prefix, batchSize: 2 })).toEqual({ isUpToDate: false, indexed: 3 });
    const ids = async (query: Parameters<typeof registry.list>[0]) => (await registry.list(query)).assets.map((a) => a.id).sort();
    expect(await ids({ tag: 't1', limit: 10 })).toEqual([unlisted.id, statusOnly.id].sort());
    expect(await ids({ folderPrefix: 'old', limit: 10 })).toEqual([unlisted.id, statusOnly.id, current.id].sort());
    expect(await ids({ status: 'ready', limit: 10 })).toEqual([unlisted.id]);
    expect(await ids({ destination: 'imagekit', policy: 'p2', limit: 10 })).toEqual([statusOnly.id]);
    await expectIndexesToMatch([unlisted.id, statusOnly.id, current.id]);
    expect((await registry.get(unlisted.id))!).toEqual(unlisted);

    // Done once: a second run at the next start only reads the marker; forced, it changes nothing.
    expect(await backfillAssetIndexes({ redis: connection, prefix })).toEqual({ isUpToDate: true, indexed: 0 });
    expect(await backfillAssetIndexes({ redis: connection, prefix, force: true })).toEqual({ isUpToDate: false, indexed: 3 });
    await expectIndexesToMatch([unlisted.id, statusOnly.id, current.id]);
  });

  it('indexes an asset a later write moves, and skips hashes that are not assets', async () => {
    const registry = createRedisAssetRegistry({ redis: connection, prefix });
    const legacy = makeAsset({ folder: 'm', tags: ['before'] });
    await writeUnlisted(legacy);
    await connection.hset(`${prefix}:asset:${newAssetId()}`, { notAnAsset: '1' });
    expect(await backfillAssetIndexes({ redis: connection, prefix })).toEqual({ isUpToDate: false, indexed: 1 });
    await registry.transition(legacy.id, { from: ['queued'], to: 'validating' });
    await registry.update(legacy.id, { tags: ['after'] });
    expect((await registry.list({ tag: 'before', limit: 5 })).assets).toEqual([]);
    expect((await registry.list({ tag: 'after', folder: 'm', status: 'validating', limit: 5 })).assets.map((a) => a.id)).toEqual([
      legacy.id,
    ]);
  });
});
