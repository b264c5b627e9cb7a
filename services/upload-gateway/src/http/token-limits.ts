import { IngestError, type Asset, type AssetOptions } from '@ingestkit/contracts';
import type { Redis } from '@ingestkit/runtime';
import type { Principal } from './auth';

type Scoped = Pick<AssetOptions, 'folder' | 'destination' | 'policy' | 'overwrite'>;

/**
 * Applies an upload token's limits to a request's options: a folder, destination or policy the
 * token names is forced when the request leaves it out and must match when it names one (else
 * `forbidden`); `overwrite` needs the token's `overwrite` claim (else `forbidden`); the byte cap is the smaller of the token's and the gateway's. API keys are not
 * limited here.
 */
export function applyTokenLimits<T extends Scoped>(
  principal: Principal,
  options: T,
  maxUploadBytes: number,
): { options: T; maxBytes: number } {
  if (principal.kind !== 'uploadToken') return { options, maxBytes: maxUploadBytes };
  const { claims } = principal;
  // Replacing what is at <folder>/<name> is a right the minting backend grants, never a default.
  if (options.overwrite === true && claims.overwrite !== true) {
    throw new IngestError('forbidden', 'this upload token does not allow overwrite; mint it with "overwrite": true', {
      details: { field: 'overwrite' },
    });
  }
  const scoped: T = { ...options };
  for (const field of ['folder', 'destination', 'policy'] as const) {
    const allowed = claims[field];
    if (allowed === undefined) continue;
    if (options[field] !== undefined && options[field] !== allowed) {
      throw new IngestError('forbidden', `this upload token only allows ${field} "${allowed}"`, {
        details: { field, allowed },
      });
    }
    (scoped as Scoped)[field] = allowed as never;
  }
  return { options: scoped, maxBytes: Math.min(maxUploadBytes, claims.maxBytes ?? maxUploadBytes) };
}

/**
 * Counts one upload against a token's `maxFiles` (a Redis counter per token id that expires
 * with the token); `forbidden` once the token has started that many. An upload that fails
 * afterwards still counts: the limit is on attempts, so a token cannot be replayed forever.
 */
export async function countTokenUpload(deps: { redis: Redis; prefix: string }, principal: Principal): Promise<void> {
  if (principal.kind !== 'uploadToken' || principal.claims.maxFiles === undefined) return;
  const key = `${deps.prefix}:upload-token:${principal.claims.jti}:files`;
  const [[, count]] = (await deps.redis
    .multi()
    .incr(key)
    .expireat(key, principal.claims.exp + 60)
    .exec()) as [[Error | null, number], [Error | null, number]];
  if (count > principal.claims.maxFiles) {
    throw new IngestError('forbidden', `this upload token allows ${principal.claims.maxFiles} files and they were all used`, {
      details: { maxFiles: principal.claims.maxFiles },
    });
  }
}

/** A token acts only on assets within its own limits (folder, destination, policy); else `forbidden`. */
export function assertTokenCovers(principal: Principal, asset: Pick<Asset, 'folder' | 'destination' | 'policy'>): void {
  if (principal.kind !== 'uploadToken') return;
  const outside = (['folder', 'destination', 'policy'] as const).find(
    (field) => principal.claims[field] !== undefined && principal.claims[field] !== asset[field],
  );
  if (outside) throw new IngestError('forbidden', `this upload token does not cover assets with this ${outside}`);
}
