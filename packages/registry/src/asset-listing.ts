import { IngestError, type Asset } from '@ingestkit/contracts';
import type { ListAssetsInput } from './asset-registry';

/**
 * The listing indexes of the Redis registry. Each is a sorted set whose members all have score
 * 0 and sort by their text, `<createdAt ms, 15 digits>:<asset id>` (kept in the asset's hash as
 * `listMember`), so `ZRANGE … BYLEX REV` walks it newest first with ties broken by id, a
 * creation-time window is a lexical range, and a cursor is simply the last member seen
 * (exclusive): the same cursor serves every filter. Under `<prefix>:assets:`:
 *
 * | key | members |
 * |---|---|
 * | `all` | every asset |
 * | `status:<status>` | assets in that status |
 * | `folder:<folder>` | assets in exactly that folder |
 * | `under:<folder>` | assets in that folder or below it: `a/b/c` is in `under:a`, `under:a/b`, `under:a/b/c` |
 * | `tag:<tag>` | assets carrying the tag |
 * | `policy:<policy>`, `destination:<kind>` | assets with that policy, that destination |
 *
 * Which sets an asset belongs to is a function of its hash alone, computed by one Lua function
 * (`asset-index.ts`) that every script writing the hash runs in the same atomic step, so no
 * write leaves an index stale. Assets written before these indexes existed are indexed by
 * `backfillAssetIndexes`. Deleted assets (tombstones) are hidden unless the query asks for
 * `status: deleted`: they are not in `all` (asset-index.ts), and a filtered walk skips members of
 * `status:deleted` (one `ZSCORE` each, {@link hiddenKey}); no key or cursor changes.
 */
export const LISTING_FIELD = 'listMember';

const memberPattern = /^\d{15}:ast_[A-Za-z0-9_-]{22}$/;

/** The key prefix of every listing index of a registry (`<prefix>:assets:`). */
export function listingBase(prefix: string): string {
  return `${prefix}:assets:`;
}

/** The indexes a query must intersect: one per filter that names a set, else `all`. */
export function filterKeys(base: string, query: ListAssetsInput): string[] {
  const filters: Array<[string, string | undefined]> = [
    ['status', query.status],
    ['folder', query.folder],
    ['under', query.folderPrefix],
    ['tag', query.tag],
    ['policy', query.policy],
    ['destination', query.destination],
  ];
  const keys = filters.filter(([, value]) => value !== undefined).map(([family, value]) => `${base}${family}:${value}`);
  return keys.length > 0 ? keys : [`${base}all`];
}

/** The set whose members a query must skip: tombstones, unless it asks for them; none for the bare `all` walk (they are not in it). */
export function hiddenKey(base: string, query: ListAssetsInput, keys: readonly string[]): string | undefined {
  if (query.status !== undefined || (keys.length === 1 && keys[0] === `${base}all`)) return undefined;
  return `${base}status:deleted`;
}

const LAST_MS = 10 ** 15 - 1;
const msPart = (ms: number) => String(Math.min(Math.max(ms, 0), LAST_MS)).padStart(15, '0');

function msOf(datetime: string): number {
  const ms = Date.parse(datetime);
  if (Number.isNaN(ms)) throw new IngestError('bad_request', 'invalid creation-time bound', { details: { datetime } });
  return ms;
}

export function listingMember(asset: Pick<Asset, 'id' | 'createdAt'>): string {
  return `${msPart(Date.parse(asset.createdAt))}:${asset.id}`;
}

/**
 * The lexical range (`ZRANGE max min BYLEX REV`) a query walks: below its cursor and its
 * `createdBefore` (both exclusive), at or above its `createdAfter`.
 */
export function listingRange(query: ListAssetsInput): { max: string; min: string } {
  // `<ms>:` sorts after every member of an earlier millisecond and before every member of its own.
  const uppers = [
    ...(query.cursor !== undefined ? [decodeListingCursor(query.cursor)] : []),
    ...(query.createdBefore !== undefined ? [`${msPart(msOf(query.createdBefore))}:`] : []),
  ].sort();
  const lowest = uppers[0];
  const max = lowest === undefined ? '+' : `(${lowest}`;
  const min = query.createdAfter !== undefined ? `[${msPart(msOf(query.createdAfter))}:` : '-';
  return { max, min };
}

export function encodeListingCursor(member: string): string {
  return Buffer.from(member).toString('base64url');
}

/** The member a cursor stands for; `bad_request` for anything this registry did not hand out. */
export function decodeListingCursor(cursor: string): string {
  const member = Buffer.from(cursor, 'base64url').toString();
  if (!memberPattern.test(member)) throw new IngestError('bad_request', 'invalid cursor', { details: { cursor } });
  return member;
}
