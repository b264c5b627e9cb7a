import { LISTING_FIELD } from './asset-listing';
import { ASSET_INDEX_LUA } from './asset-index';

/**
 * Creates the asset unless its original's duplicate set (dedupe-index.ts) already has a member:
 * then nothing is kept and that member's id (the oldest) is answered. The hash is written first
 * so the set is computed by the same Lua as every index, and deleted again on a duplicate,
 * inside the one script: nobody ever sees it. Two identical uploads at once are serialised by
 * Redis: exactly one is created. KEYS[1]: the asset; ARGV[1]: the index prefix, ARGV[2]: its
 * listing member, then its fields. Returns {0} (id exists), {1} (created) or {2, existing id}.
 */
export const CREATE_DEDUPED_SCRIPT = `${ASSET_INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
redis.call('HSET', KEYS[1], '${LISTING_FIELD}', ARGV[2], unpack(ARGV, 3))
local original = dedupe_key_of(KEYS[1], ARGV[1])
if original then
  local first = redis.call('ZRANGE', original, '-', '+', 'BYLEX', 'LIMIT', 0, 1)[1]
  if first then
    redis.call('DEL', KEYS[1])
    return {2, member_id(first)}
  end
end
reindex(KEYS[1], ARGV[1], {})
return {1}
`;

/**
 * Records the SHA-256 of an asset's original (ARGV[2]) unless another asset of its duplicate
 * set is its original: then nothing is written and that asset's id is answered. When the asset
 * was not in the set yet (its digest is recorded here), any member counts, so of two identical
 * uploads claiming at once exactly one passes. When something recorded its digest before (it is
 * in the set already), only older members count, so two assets that were both indexed before
 * either claimed can never refuse each other (the older one passes). KEYS[1]: the asset, KEYS[2]
 * unused; ARGV[1]: the index prefix, ARGV[3]: updatedAt. Returns {-1} (no asset), {1} (recorded)
 * or {2, existing id}.
 */
export const CLAIM_ORIGINAL_SCRIPT = `${ASSET_INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local member = redis.call('HGET', KEYS[1], '${LISTING_FIELD}')
local set = dedupe_key_of(KEYS[1], ARGV[1], ARGV[2])
if set then
  local indexed = member and redis.call('ZSCORE', set, member)
  for _, other in ipairs(redis.call('ZRANGE', set, '-', '+', 'BYLEX', 'LIMIT', 0, 2)) do
    if other ~= member and (not indexed or other < member) then return {2, member_id(other)} end
  end
end
local indexed_before = index_keys(KEYS[1], ARGV[1])
local raw = redis.call('HGET', KEYS[1], 'original')
local original = raw and cjson.decode(raw) or {}
original['sha256'] = ARGV[2]
redis.call('HSET', KEYS[1], 'original', cjson.encode(original), 'updatedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'revision', 1)
reindex(KEYS[1], ARGV[1], indexed_before)
return {1}
`;
