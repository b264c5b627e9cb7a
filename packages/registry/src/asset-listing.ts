import { IngestError, type Asset } from '@ingestkit/contracts';

/**
 * The listing index of the Redis registry: sorted sets whose members all have score 0 and sort
 * by their text, `<createdAt ms, 15 digits>:<asset id>`, so `ZRANGE … BYLEX REV` walks them
 * newest first with ties broken by id, and a cursor is simply the last member seen (exclusive).
 * One set holds every asset, one per status holds the assets in that status; the transition
 * script moves an asset between status sets in the same step that changes its status.
 * Assets created before the index existed are not listed.
 */
export const LISTING_FIELD = 'listMember';

const memberPattern = /^\d{15}:ast_[A-Za-z0-9_-]{22}$/;

export function listingKeys(prefix: string) {
  return { all: `${prefix}:assets:all`, statusPrefix: `${prefix}:assets:status:` };
}

export function listingMember(asset: Pick<Asset, 'id' | 'createdAt'>): string {
  return `${String(Date.parse(asset.createdAt)).padStart(15, '0')}:${asset.id}`;
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
