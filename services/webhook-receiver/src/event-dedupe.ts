import type { Redis } from '@ingestkit/runtime';

/** What a delivery of an event id is: the first one, or one already enqueued. */
export type DedupeClaim = 'new' | 'pending' | 'duplicate';

export interface EventDedupe {
  /**
   * Claims an event id: `new` the first time; `duplicate` once `markEnqueued` ran for it;
   * `pending` when an earlier delivery claimed it but never confirmed (it crashed or is still
   * in flight), in which case the caller enqueues again, which the job id makes harmless.
   */
  claim(eventId: string): Promise<DedupeClaim>;
  markEnqueued(eventId: string): Promise<void>;
  /** Forgets a claim whose enqueue failed, so ImageKit's retry is not mistaken for a duplicate. */
  release(eventId: string): Promise<void>;
}

/** Event ids in Redis: `SET <prefix>:webhook-event:<id> pending NX EX ttl`, then `enqueued`. */
export function createEventDedupe(options: { redis: Redis; prefix: string; ttlSeconds: number }): EventDedupe {
  const { redis, ttlSeconds } = options;
  const keyOf = (eventId: string) => `${options.prefix}:webhook-event:${eventId}`;
  return {
    async claim(eventId) {
      if ((await redis.set(keyOf(eventId), 'pending', 'EX', ttlSeconds, 'NX')) === 'OK') return 'new';
      return (await redis.get(keyOf(eventId))) === 'enqueued' ? 'duplicate' : 'pending';
    },
    async markEnqueued(eventId) {
      await redis.set(keyOf(eventId), 'enqueued', 'EX', ttlSeconds);
    },
    async release(eventId) {
      await redis.del(keyOf(eventId));
    },
  };
}
