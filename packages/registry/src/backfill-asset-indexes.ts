import { isAssetId } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { ASSET_INDEX_LUA } from './asset-index';
import { listingBase, listingMember, LISTING_FIELD } from './asset-listing';

/** Raised when the set of listing indexes changes; a stored lower version makes the backfill run again. */
const INDEX_VERSION = '2'; // 2: the duplicate index (dedupe-index.ts)

// KEYS[1]: an asset hash. ARGV[1]: the index key prefix; ARGV[2]: the listing member to give the
// asset if it has none. A hash deleted since the SCAN saw it is left alone (no HSET recreates it).
const BACKFILL_SCRIPT = `${ASSET_INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if not redis.call('HGET', KEYS[1], '${LISTING_FIELD}') then redis.call('HSET', KEYS[1], '${LISTING_FIELD}', ARGV[2]) end
reindex(KEYS[1], ARGV[1], {})
return 1
`;

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Adds every asset of a registry to the listing indexes it belongs to (asset-listing.ts): assets
 * written before listing existed (no listing member: they get one) and before the filter
 * indexes existed (listed by status only). Idempotent and safe beside live traffic: each asset
 * is indexed by the same Lua as the registry's writes, in one atomic step, and only added to
 * sets, never taken out. A marker key records the index version done, so a later call costs one
 * `GET` (`isUpToDate: true`) unless `force`. Otherwise it walks the keyspace with `SCAN` (only
 * hashes named like assets; other hashes are skipped), `batchSize` keys per step, one script
 * per asset: run it once after an upgrade (the gateway does at start, in the background).
 */
export async function backfillAssetIndexes(options: {
  redis: Redis;
  prefix: string;
  /** `SCAN … COUNT`; default 500. */
  batchSize?: number;
  /** Walk every asset even if the marker says it was done. */
  force?: boolean;
}): Promise<{ isUpToDate: boolean; indexed: number }> {
  const { redis, prefix } = options;
  const marker = `${listingBase(prefix)}index-version`;
  if (!options.force && (await redis.get(marker)) === INDEX_VERSION) return { isUpToDate: true, indexed: 0 };
  const keyPrefix = `${prefix}:asset:`;
  let indexed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${escapeGlob(keyPrefix)}*`,
      'COUNT',
      options.batchSize ?? 500,
      'TYPE',
      'hash',
    );
    cursor = next;
    const reads = redis.pipeline();
    for (const key of keys) reads.hmget(key, 'id', 'createdAt');
    const fields = ((await reads.exec()) ?? []).map(([err, values]) => {
      if (err) throw err;
      return values as Array<string | null>;
    });
    const writes = redis.pipeline();
    keys.forEach((key, i) => {
      const [id, createdAt] = fields[i] ?? [];
      if (!id || !createdAt || key !== keyPrefix + id || !isAssetId(id) || Number.isNaN(Date.parse(createdAt))) return;
      writes.eval(BACKFILL_SCRIPT, 1, key, listingBase(prefix), listingMember({ id, createdAt }));
    });
    for (const [err, result] of (await writes.exec()) ?? []) {
      if (err) throw err;
      indexed += result as number;
    }
  } while (cursor !== '0');
  await redis.set(marker, INDEX_VERSION);
  return { isUpToDate: false, indexed };
}
