import { LISTING_FIELD } from './asset-listing';
import { DEDUPE_INDEX_LUA } from './dedupe-index';

/**
 * Lua, prepended to every script that writes an asset's hash (see asset-listing.ts for the
 * sets). `index_keys(asset_key, base)` lists the sets the asset belongs to, from its hash as it
 * is now; `reindex(asset_key, base, before)` takes the asset out of the sets in `before` it no
 * longer belongs to and adds it to every set it belongs to. Adding to all of them, not only the
 * new ones, costs a few `ZADD`s of an existing member and repairs an asset a writer that predates
 * an index left out of it. An asset without a listing member (written before listing existed)
 * is left alone: `backfillAssetIndexes` gives it one. The duplicate index (dedupe-index.ts) is one
 * more set of the same kind.
 */
export const ASSET_INDEX_LUA = `${DEDUPE_INDEX_LUA}
local function index_keys(asset_key, base)
  local f = redis.call('HMGET', asset_key, 'status', 'folder', 'tags', 'policy', 'destination')
  -- A tombstone stays in its other sets (status:deleted finds it) but leaves 'all': the
  -- unfiltered listing, which hides deleted assets, never walks over them.
  local keys = {}
  if f[1] ~= 'deleted' then keys[1] = base .. 'all' end
  local function add(family, value)
    if value and value ~= '' then keys[#keys + 1] = base .. family .. ':' .. value end
  end
  add('status', f[1])
  add('folder', f[2])
  if f[2] and f[2] ~= '' then
    local from = 1
    while true do
      local slash = string.find(f[2], '/', from, true)
      if not slash then break end
      add('under', string.sub(f[2], 1, slash - 1))
      from = slash + 1
    end
    add('under', f[2])
  end
  if f[3] then
    for _, tag in ipairs(cjson.decode(f[3])) do add('tag', tag) end
  end
  add('policy', f[4])
  add('destination', f[5])
  local original = dedupe_key_of(asset_key, base)
  if original then keys[#keys + 1] = original end
  return keys
end

local function reindex(asset_key, base, before)
  local member = redis.call('HGET', asset_key, '${LISTING_FIELD}')
  if not member then return end
  local after = index_keys(asset_key, base)
  local kept = {}
  for _, key in ipairs(after) do kept[key] = true end
  for _, key in ipairs(before) do
    if not kept[key] then redis.call('ZREM', key, member) end
  end
  for _, key in ipairs(after) do redis.call('ZADD', key, 0, member) end
end
`;
