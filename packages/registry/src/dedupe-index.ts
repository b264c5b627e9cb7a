/**
 * The duplicate index of the Redis registry: one sorted set per original, under the listing
 * prefix, `original:<destination>:<policy>:<sha256>:<folder>` (the folder last and possibly
 * empty; the other parts hold no colon), whose members are listing members
 * (`<createdAt ms>:<asset id>`, see asset-listing.ts), so its first member is the oldest asset.
 * An asset is in the set of its original while it has an `original.sha256` and a status that
 * can still be (or is) a usable asset: not `awaiting_upload` (the digest is not known yet),
 * `rejected`, `failed` or `deleted`. Membership is a function of the hash alone, computed by
 * `dedupe_key_of` inside `index_keys` (asset-index.ts), so every script that writes an asset
 * moves it in or out of its set in the same atomic step: a rejected, failed or deleted asset
 * is never answered as the original of a duplicate.
 */
export const DEDUPE_INDEX_LUA = `
local dedupe_ineligible = { awaiting_upload = true, rejected = true, failed = true, deleted = true }

local function dedupe_key(base, destination, policy, sha256, folder)
  return base .. 'original:' .. destination .. ':' .. policy .. ':' .. sha256 .. ':' .. (folder or '')
end

-- The duplicate set the asset belongs to as its hash is now, or nil. With sha256 given, the set
-- it would belong to once that digest is recorded (whatever its status).
local function dedupe_key_of(asset_key, base, sha256)
  local f = redis.call('HMGET', asset_key, 'status', 'original', 'policy', 'destination', 'folder')
  if not f[3] or not f[4] then return nil end
  if sha256 then return dedupe_key(base, f[4], f[3], sha256, f[5]) end
  if not f[1] or dedupe_ineligible[f[1]] or not f[2] then return nil end
  local ok, original = pcall(cjson.decode, f[2])
  if not ok or type(original) ~= 'table' or type(original['sha256']) ~= 'string' then return nil end
  return dedupe_key(base, f[4], f[3], original['sha256'], f[5])
end

-- The asset id of a listing member (\`<15 digits>:<id>\`).
local function member_id(member)
  return string.sub(member, 17)
end
`;
