import { AssetVersion, IngestError, type Asset, type NotificationType, type Stage, type StageTiming } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { assertLifecycleMove, type AssetRegistry, type TransitionInput } from './asset-registry';
import { decodeAsset, encodeAsset, encodePatch } from './asset-hash';
import { ASSET_INDEX_LUA } from './asset-index';
import { listingBase, listingMember, LISTING_FIELD } from './asset-listing';
import { listAssets } from './list-assets';
import { outboxKeys, PUSH_OUTBOX_LUA } from './outbox';
import { markVersionsDeleted, mergeVersion } from './versions';

// One hash per asset under the queue prefix (see asset-hash.ts). A status guard and the field
// writes run in one script, so two workers racing on the same asset cannot interleave. When
// ARGV[2] names a notification and the status actually changed, the same script bumps the
// asset's `notifySeq` and pushes the notification onto the outbox (KEYS[2]), so a crash can
// neither lose the notification of a transition nor record one without it. Whatever the
// fields written, the same script moves the asset between the listing indexes (asset-listing.ts;
// ARGV[3] is their key prefix) to match its new status, tags, etc.
const TRANSITION_SCRIPT = `${PUSH_OUTBOX_LUA}${ASSET_INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local previous = redis.call('HGET', KEYS[1], 'status')
if ARGV[1] ~= '*' then
  local allowed = false
  for status in string.gmatch(ARGV[1], '[^,]+') do
    if status == previous then allowed = true end
  end
  if not allowed then return 0 end
end
local indexed_before = index_keys(KEYS[1], ARGV[3])
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
reindex(KEYS[1], ARGV[3], indexed_before)
local current = redis.call('HGET', KEYS[1], 'status')
if current ~= previous and ARGV[2] ~= '' then
  local seq = redis.call('HINCRBY', KEYS[1], 'notifySeq', 1)
  push_outbox(KEYS[1], KEYS[2], ARGV[2], tostring(seq))
end
return 1
`;

/** The notification a transition into each status implies. */
const statusNotifications: Partial<Record<Asset['status'], NotificationType>> = {
  ready: 'asset.ready',
  rejected: 'asset.rejected',
  failed: 'asset.failed',
};

// Creates the hash and adds it to its listing indexes (ARGV[1] is their key prefix, ARGV[2] its
// listing member) at once.
const CREATE_SCRIPT = `${ASSET_INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], '${LISTING_FIELD}', ARGV[2], unpack(ARGV, 3))
reindex(KEYS[1], ARGV[1], {})
return 1
`;

// Compare-and-set of the `versions` field: the merge runs in TypeScript (one implementation for
// every adapter) and is written only if nobody changed the list since it was read. ARGV[4] is
// the id of a version the merge added (new to the list read), else empty: its
// `asset.version.created` is pushed onto the outbox (KEYS[2]) in the same write, so exactly the
// writer that added the version records it.
const SET_VERSIONS_SCRIPT = `${PUSH_OUTBOX_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local current = redis.call('HGET', KEYS[1], 'versions') or ''
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'versions', ARGV[2], 'updatedAt', ARGV[3])
if ARGV[4] ~= '' then push_outbox(KEYS[1], KEYS[2], 'asset.version.created', ARGV[4]) end
return 1
`;

/** Compare-and-set rounds before giving up; each loses only to a concurrent writer that succeeded. */
const MAX_VERSION_ROUNDS = 50;

/** Options of {@link createRedisAssetRegistry}. */
export interface RedisAssetRegistryOptions {
  redis: Redis;
  /** The queue prefix; the registry's keys live under it. */
  prefix: string;
  /**
   * How many index members one filtered `list` call may examine before it answers a short page
   * with a cursor (see `listAssets`); bounds the time one call holds Redis. Default 1000.
   */
  listScanLimit?: number;
}

export function createRedisAssetRegistry(options: RedisAssetRegistryOptions): AssetRegistry {
  const { redis } = options;
  const keyOf = (id: string) => `${options.prefix}:asset:${id}`;
  const outbox = outboxKeys(options.prefix).pending;
  const indexBase = listingBase(options.prefix);
  const listing = { prefix: options.prefix, scanLimit: options.listScanLimit ?? 1_000 };

  async function run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof IngestError) throw err;
      throw new IngestError('dependency_unavailable', 'the asset registry (Redis) is unavailable', {
        details: { dependency: 'redis' },
        cause: err,
      });
    }
  }

  async function read(id: string): Promise<Asset | null> {
    const hash = await redis.hgetall(keyOf(id));
    return Object.keys(hash).length === 0 ? null : decodeAsset(hash);
  }

  async function apply(id: string, from: string, fields: Record<string, string>, notify = ''): Promise<number> {
    const args = Object.entries({ ...fields, updatedAt: new Date().toISOString() }).flat();
    return (await redis.eval(TRANSITION_SCRIPT, 2, keyOf(id), outbox, from, notify, indexBase, ...args)) as number;
  }

  const notFound = (id: string) => new IngestError('not_found', `asset ${id} does not exist`);
  const fileIndexKey = (fileId: string) => `${options.prefix}:imagekit-file:${fileId}`;

  /** Read-modify-write of an asset's versions, retried while another writer wins the race. */
  async function updateVersions<T>(id: string, change: (versions: AssetVersion[]) => { versions: AssetVersion[]; result: T }) {
    for (let round = 0; round < MAX_VERSION_ROUNDS; round++) {
      const raw = await redis.hget(keyOf(id), 'versions');
      if (raw === null && (await redis.exists(keyOf(id))) === 0) throw notFound(id);
      const before = raw === null ? [] : AssetVersion.array().parse(JSON.parse(raw));
      const { versions, result } = change(before);
      const added = versions.find((version) => !before.some((known) => known.versionId === version.versionId));
      const written = (await redis.eval(
        SET_VERSIONS_SCRIPT,
        2,
        keyOf(id),
        outbox,
        raw ?? '',
        JSON.stringify(versions),
        new Date().toISOString(),
        added?.versionId ?? '',
      )) as number;
      if (written === -1) throw notFound(id);
      if (written === 1) {
        const asset = await read(id);
        if (!asset) throw notFound(id);
        return { result, asset };
      }
    }
    throw new IngestError('conflict', `the versions of asset ${id} kept changing; try again`);
  }

  return {
    create: (asset) =>
      run(async () => {
        const created = (await redis.eval(
          CREATE_SCRIPT,
          1,
          keyOf(asset.id),
          indexBase,
          listingMember(asset),
          ...Object.entries(encodeAsset(asset)).flat(),
        )) as number;
        if (created === 0) throw new IngestError('conflict', `asset ${asset.id} already exists`);
      }),
    get: (id) => run(() => read(id)),
    list: (query) => run(() => listAssets(redis, listing, query)),
    update: (id, patch) =>
      run(async () => {
        if ((await apply(id, '*', encodePatch(patch))) === -1) throw notFound(id);
        return (await read(id)) ?? Promise.reject(notFound(id));
      }),
    transition: (id, input: TransitionInput) =>
      run(async () => {
        assertLifecycleMove(input);
        const fields = { ...encodePatch(input.patch ?? {}), status: input.to };
        const result = await apply(id, input.from.join(','), fields, statusNotifications[input.to] ?? '');
        if (result === -1) throw notFound(id);
        return result === 1 ? read(id) : null;
      }),
    recordTiming: (id: string, stage: Stage, timing: StageTiming) =>
      run(async () => {
        if ((await apply(id, '*', { [`timing:${stage}`]: JSON.stringify(timing) })) === -1) throw notFound(id);
      }),
    indexImageKitFile: (fileId, assetId) =>
      run(async () => {
        await redis.set(fileIndexKey(fileId), assetId);
      }),
    findByImageKitFileId: (fileId) => run(() => redis.get(fileIndexKey(fileId))),
    recordVersion: (assetId, version) =>
      run(async () => {
        const { result, asset } = await updateVersions(assetId, (versions) => {
          const merged = mergeVersion(versions, version);
          return { versions: merged.versions, result: merged };
        });
        return { ...result, asset };
      }),
    recordVersionDeletion: (assetId, deletion) =>
      run(async () => {
        const { asset } = await updateVersions(assetId, (versions) => ({
          versions: markVersionsDeleted(versions, deletion),
          result: undefined,
        }));
        return asset;
      }),
  };
}
