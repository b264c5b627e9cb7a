import type { Asset } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import type { ListAssetsInput } from './asset-registry';
import { decodeAsset } from './asset-hash';
import { encodeListingCursor, filterKeys, hiddenKey, listingBase, listingRange } from './asset-listing';

// KEYS: the indexes to intersect (at least one). ARGV: max and min of the lexical range, page
// size, how many members one call may examine, the key prefix of asset hashes, and a set whose
// members are skipped ('' for none: the tombstones, see asset-listing.ts). The index with
// the fewest members in the range drives the walk; each member it yields is kept if every other
// index holds it (ZSCORE). Returns the next cursor's member ('' on the last page) and the hashes
// of the page, read in the same atomic step, so each asset returned matches at that instant.
const LIST_SCRIPT = `
local max, min, limit, budget = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local driver = 1
if #KEYS > 1 then
  local fewest
  for i = 1, #KEYS do
    local count = redis.call('ZLEXCOUNT', KEYS[i], min, max)
    if fewest == nil or count < fewest then driver, fewest = i, count end
  end
end
-- Walking one index needs no more than the page; checking others, fetch members in batches.
local hidden = ARGV[6] ~= '' and ARGV[6] or nil
local floor = (#KEYS > 1 or hidden) and 100 or 0
local found, examined, last, exhausted, upper = {}, 0, nil, false, max
while #found <= limit and examined < budget do
  local batch = math.min(budget - examined, math.max(limit + 1 - #found, floor))
  local members = redis.call('ZRANGE', KEYS[driver], upper, min, 'BYLEX', 'REV', 'LIMIT', 0, batch)
  for _, member in ipairs(members) do
    examined = examined + 1
    last = member
    local matches = not (hidden and redis.call('ZSCORE', hidden, member))
    for i = 1, #KEYS do
      if not matches then break end
      if i ~= driver and not redis.call('ZSCORE', KEYS[i], member) then
        matches = false
        break
      end
    end
    if matches then
      found[#found + 1] = member
      if #found > limit then break end
    end
  end
  if #found <= limit and #members < batch then
    exhausted = true
    break
  end
  upper = '(' .. last
end
local next = ''
if #found > limit then
  next = found[limit]
  found[limit + 1] = nil
elseif not exhausted then
  next = last or ''
end
local page = { next }
for _, member in ipairs(found) do
  page[#page + 1] = redis.call('HGETALL', ARGV[5] .. string.sub(member, string.find(member, ':', 1, true) + 1))
end
return page
`;

/**
 * One page of `AssetRegistry.list` from the listing indexes (see asset-listing.ts), in one Lua
 * script. Cost of a call, with k filters naming a set (status, folder, folder prefix, tag,
 * policy, destination; the creation-time window is a range of every set) and N the members of
 * the largest: with none or one, `O(log N + limit)`, like any `ZRANGE`. With k > 1, `O(k log N)`
 * to count each index in the range and pick the smallest, then a walk of that one examining at
 * most `max(scanLimit, limit + 1)` members with k − 1 `ZSCORE`s each; when the budget runs out
 * first, the page is short (possibly empty) and its cursor resumes after the last member
 * examined. Then one `HGETALL` per asset returned. Never a scan of all assets.
 */
export async function listAssets(
  redis: Redis,
  options: { prefix: string; scanLimit: number },
  query: ListAssetsInput,
): Promise<{ assets: Asset[]; nextCursor?: string }> {
  const base = listingBase(options.prefix);
  const keys = filterKeys(base, query);
  const { max, min } = listingRange(query);
  const budget = Math.max(options.scanLimit, query.limit + 1);
  const [next, ...hashes] = (await redis.eval(
    LIST_SCRIPT,
    keys.length,
    ...keys,
    max,
    min,
    query.limit,
    budget,
    `${options.prefix}:asset:`,
    hiddenKey(base, query, keys) ?? '',
  )) as [string, ...string[][]];
  const assets = hashes.filter((flat) => flat.length > 0).map((flat) => decodeAsset(toRecord(flat)));
  return next ? { assets, nextCursor: encodeListingCursor(next) } : { assets };
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}
