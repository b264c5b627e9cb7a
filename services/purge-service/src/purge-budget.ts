import { monthKey } from '@ingestkit/purge';
import type { Redis } from '@ingestkit/runtime';

/** Keys outlive their month by a few days so a late read still sees the month's count. */
const KEY_TTL_SECONDS = 40 * 24 * 3600;

export interface PurgeBudget {
  /** Purges left this UTC month, never below 0. */
  remaining(now?: Date): Promise<number>;
  /** Records `count` purges submitted this month. */
  spend(count: number, now?: Date): Promise<void>;
  readonly monthly: number;
}

/**
 * The monthly purge budget as a Redis counter of purges used, `<prefix>:purge:budget:<YYYY-MM>`.
 * A new month is a new key, so the budget resumes by itself; raising `monthly` takes effect at once.
 */
export function createPurgeBudget(deps: { redis: Redis; prefix: string; monthly: number }): PurgeBudget {
  const key = (now: Date) => `${deps.prefix}:purge:budget:${monthKey(now)}`;
  return {
    monthly: deps.monthly,
    async remaining(now = new Date()) {
      const used = Number((await deps.redis.get(key(now))) ?? 0);
      return Math.max(0, deps.monthly - used);
    },
    async spend(count, now = new Date()) {
      if (count <= 0) return;
      await deps.redis.multi().incrby(key(now), count).expire(key(now), KEY_TTL_SECONDS).exec();
    },
  };
}
