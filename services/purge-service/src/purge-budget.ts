import { monthKey } from '@ingestkit/purge';
import type { Redis } from '@ingestkit/runtime';

/** Keys outlive their month by a few days so a late read still sees the month's count. */
const KEY_TTL_SECONDS = 40 * 24 * 3600;

// Takes up to ARGV[1] purges out of what is left of ARGV[2] this month, in one step, so two
// purge-service replicas cannot both spend the last purges. Returns how many it took.
const RESERVE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local granted = math.max(0, math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used))
if granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return granted
`;

export interface PurgeBudget {
  /** Purges left this UTC month, never below 0; `limit` (default `monthly`) is the most this caller may have used. */
  remaining(now?: Date, limit?: number): Promise<number>;
  /**
   * Takes up to `count` purges from this month's budget, as long as the month's use stays within
   * `limit` (default `monthly`; uploads pass their share); resolves with how many it got.
   */
  reserve(count: number, now?: Date, limit?: number): Promise<number>;
  /** Gives back reserved purges the CDN did not accept. */
  release(count: number, now?: Date): Promise<void>;
  readonly monthly: number;
}

/**
 * The monthly purge budget as a Redis counter of purges used, `<prefix>:purge:budget:<YYYY-MM>`.
 * A new month is a new key, so the budget resumes by itself; raising `monthly` (a restart with a
 * higher `PURGE_MONTHLY_BUDGET`) takes effect at once.
 */
export function createPurgeBudget(deps: { redis: Redis; prefix: string; monthly: number }): PurgeBudget {
  const key = (now: Date) => `${deps.prefix}:purge:budget:${monthKey(now)}`;
  return {
    monthly: deps.monthly,
    async remaining(now = new Date(), limit = deps.monthly) {
      const used = Number((await deps.redis.get(key(now))) ?? 0);
      return Math.max(0, Math.min(limit, deps.monthly) - used);
    },
    async reserve(count, now = new Date(), limit = deps.monthly) {
      if (count <= 0) return 0;
      const cap = Math.min(limit, deps.monthly);
      return Number(await deps.redis.eval(RESERVE_SCRIPT, 1, key(now), String(count), String(cap), String(KEY_TTL_SECONDS)));
    },
    async release(count, now = new Date()) {
      if (count > 0) await deps.redis.decrby(key(now), count);
    },
  };
}
