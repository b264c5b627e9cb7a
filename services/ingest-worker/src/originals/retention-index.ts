import type { Redis } from '@ingestkit/runtime';

/**
 * When each kept original expires: one sorted set under the queue prefix, member the asset id,
 * score the expiry in epoch ms. The retention sweeper reads the due members instead of scanning
 * every asset. Written before the asset records its `original.retained`, so an original is never
 * recorded without its entry; an entry whose asset recorded nothing (the worker died in between)
 * only makes the sweeper remove the copy nobody points at.
 */
export interface RetentionIndex {
  /** Sets the asset's expiry (a later call replaces it). */
  add(assetId: string, expiresAt: string): Promise<void>;
  /** Up to `limit` asset ids whose expiry is at or before `now` (epoch ms), earliest first. */
  due(now: number, limit: number): Promise<string[]>;
  /** The asset's expiry, or null when it has no entry. */
  expiryOf(assetId: string): Promise<number | null>;
  /** Removes the asset's entry, unless it was moved past `now` meanwhile (its original was kept again). */
  removeIfDue(assetId: string, now: number): Promise<void>;
}

// Compare and remove in one step: a concurrent `add` with a later expiry survives.
const REMOVE_IF_DUE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 1
`;

export function createRetentionIndex(options: { redis: Redis; prefix: string }): RetentionIndex {
  const { redis } = options;
  const key = `${options.prefix}:originals:expiry`;
  return {
    async add(assetId, expiresAt) {
      await redis.zadd(key, Date.parse(expiresAt), assetId);
    },
    async due(now, limit) {
      return redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, limit);
    },
    async expiryOf(assetId) {
      const score = await redis.zscore(key, assetId);
      return score === null ? null : Number(score);
    },
    async removeIfDue(assetId, now) {
      await redis.eval(REMOVE_IF_DUE, 1, key, assetId, now);
    },
  };
}
