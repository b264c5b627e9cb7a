import { IngestError, mergeAssetFields, type Asset, type AssetMergePatch } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import { decodeAsset } from './asset-hash';
import { ASSET_INDEX_LUA } from './asset-index';
import { PUSH_OUTBOX_LUA } from './outbox';

// Compare-and-set of an edit (tags, metadata): written only if the asset still has the revision
// the merge was computed from (ARGV[2]) and is not deleted, with the revision bump, the listing
// indexes (tags are indexed) and the `asset.updated` outbox entry (KEYS[2]; discriminated by the
// new revision) in the same atomic step. ARGV[1]: the index prefix; ARGV[3..5]: tags, metadata
// (JSON), updatedAt. Returns -1 (no asset), -2 (deleted), 0 (revision moved on) or the new revision.
const EDIT_SCRIPT = `${PUSH_OUTBOX_LUA}${ASSET_INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') == 'deleted' then return -2 end
if tonumber(redis.call('HGET', KEYS[1], 'revision') or '0') ~= tonumber(ARGV[2]) then return 0 end
local indexed_before = index_keys(KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], 'tags', ARGV[3], 'metadata', ARGV[4], 'updatedAt', ARGV[5])
local revision = redis.call('HINCRBY', KEYS[1], 'revision', 1)
reindex(KEYS[1], ARGV[1], indexed_before)
push_outbox(KEYS[1], KEYS[2], 'asset.updated', tostring(revision))
return revision
`;

/** Read-merge-write rounds before giving up; each loses only to a concurrent writer that succeeded. */
const MAX_EDIT_ROUNDS = 50;

/** What {@link editAsset} needs of the registry it runs in. */
export interface EditContext {
  redis: Redis;
  assetKey: string;
  outboxKey: string;
  indexBase: string;
}

/**
 * Applies a merge patch with a compare-and-set on the revision: the merge runs in TypeScript
 * (contracts' `mergeAssetFields`, one implementation for every adapter) on the asset as read,
 * and is written only if nothing wrote the asset since. Without `ifRevisions` a lost race is
 * retried on the fresh asset (merge patches of different keys compose); with them, the revision
 * read must be one of them, else `precondition_failed` — including after a lost race, since
 * the revision has then moved on.
 */
export async function editAsset(
  ctx: EditContext,
  id: string,
  input: { patch: AssetMergePatch; ifRevisions?: readonly number[] | undefined },
): Promise<Asset> {
  const notFound = () => new IngestError('not_found', `asset ${id} does not exist`);
  for (let round = 0; round < MAX_EDIT_ROUNDS; round++) {
    const hash = await ctx.redis.hgetall(ctx.assetKey);
    if (Object.keys(hash).length === 0) throw notFound();
    if (hash.status === 'deleted') throw deletedConflict(id);
    const asset = decodeAsset(hash);
    const revision = asset.revision ?? 0;
    if (input.ifRevisions && !input.ifRevisions.includes(revision)) {
      throw new IngestError('precondition_failed', `asset ${id} changed: its revision is ${revision}`, {
        details: { revision, etag: `"${revision}"` },
      });
    }
    const merged = mergeAssetFields(asset, input.patch);
    const written = (await ctx.redis.eval(
      EDIT_SCRIPT,
      2,
      ctx.assetKey,
      ctx.outboxKey,
      ctx.indexBase,
      String(revision),
      JSON.stringify(merged.tags),
      JSON.stringify(merged.metadata),
      new Date().toISOString(),
    )) as number;
    if (written === -1) throw notFound();
    if (written === -2) throw deletedConflict(id);
    if (written > 0) {
      const after = await ctx.redis.hgetall(ctx.assetKey);
      if (Object.keys(after).length === 0) throw notFound();
      return decodeAsset(after);
    }
  }
  throw new IngestError('conflict', `asset ${id} kept changing; try again`);
}

function deletedConflict(id: string): IngestError {
  return new IngestError('conflict', `asset ${id} is deleted: it can no longer be changed`, { details: { status: 'deleted' } });
}
