import { IngestError, type Asset } from '@ingestkit/contracts';

/**
 * The strong ETag of an asset's representation: its registry `revision`, which every write of
 * the record bumps in the same atomic step (never a clock: two writes in one millisecond still
 * differ). Absent revision (a record no write touched yet) reads as 0.
 */
export function etagOf(asset: Pick<Asset, 'revision'>): string {
  return `"${asset.revision ?? 0}"`;
}

/**
 * The revisions an `If-Match` header allows: `undefined` when any will do (no header, or `*`
 * on an asset that exists), else the revisions of the strong ETags it lists. Weak tags (`W/…`)
 * never match (RFC 9110 compares If-Match strongly) and neither do tags this gateway never
 * hands out, so a header of only those allows no revision: 412. A header that is not a list of
 * entity tags is 400 `bad_request`.
 */
export function revisionsOfIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const tags = value.split(',').map((tag) => tag.trim());
  if (tags.some((tag) => !/^(W\/)?"[^"]*"$/.test(tag))) {
    throw new IngestError('bad_request', 'If-Match must be * or a list of entity tags ("…")', { details: { ifMatch: header } });
  }
  return tags.flatMap((tag) => {
    const revision = /^"(0|[1-9][0-9]{0,15})"$/.exec(tag)?.[1];
    return revision === undefined ? [] : [Number(revision)];
  });
}
