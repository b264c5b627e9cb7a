import type { Notification } from '@ingestkit/contracts';
import type { Logger, Redis } from '@ingestkit/runtime';
import { notificationFromOutbox, outboxKeys } from './outbox';

export interface OutboxRelayOptions {
  /**
   * A connection the relay owns: it blocks on it (`BLMOVE`), so nothing else may use it, and
   * `stop()` disconnects it. Create it with the `worker` role (no command timeout).
   */
  redis: Redis;
  prefix: string;
  /**
   * Hands one notification on, idempotently (the job id is the notification id, so a repeat is a
   * no-op); `undefined` when notifications are off: entries are then dropped.
   */
  enqueue: ((notification: Notification) => Promise<void>) | undefined;
  logger: Logger;
  /** How long one `BLMOVE` waits for an entry; bounds nothing else. Default 5 s. */
  blockSeconds?: number;
}

export interface OutboxRelay {
  /** Recovers what a previous relay left in `processing`, then relays until `stop()`. */
  start(): void;
  /**
   * Stops at once and disconnects the relay's connection. An entry in hand stays in
   * `processing` and is relayed again at the next start (a no-op if it was already enqueued).
   */
  stop(): Promise<void>;
}

/** Pause after an error (Redis away, enqueue failed) before trying again. */
const ERROR_PAUSE_MS = 1_000;

/**
 * Moves notifications from the registry's outbox to the `asset.notify` queue without losing
 * one: `BLMOVE pending → processing`, enqueue, `LREM` from processing. A crash between the move
 * and the `LREM` leaves the entry in `processing`; every start (and every recovery after an
 * error) enqueues what is there again, which is a no-op for entries that were already enqueued.
 * One relay runs in each ingest worker process; several share the lists safely for the same
 * reason. Entries that do not parse are logged and removed (they can never succeed).
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { redis, logger } = options;
  const keys = outboxKeys(options.prefix);
  const blockSeconds = options.blockSeconds ?? 5;
  let isRunning = false;
  let loop: Promise<void> | undefined;

  async function relay(raw: string): Promise<void> {
    let notification: Notification | undefined;
    try {
      notification = notificationFromOutbox(raw);
    } catch (err) {
      logger.error({ err: (err as Error).message, entry: raw.slice(0, 500) }, 'dropping an unreadable outbox entry');
    }
    if (notification && options.enqueue) {
      await options.enqueue(notification);
      logger.debug({ notificationId: notification.id, type: notification.type }, 'notification relayed');
    }
    await redis.lrem(keys.processing, 1, raw);
  }

  async function recover(): Promise<void> {
    const stranded = await redis.lrange(keys.processing, 0, -1);
    if (stranded.length > 0) logger.info({ count: stranded.length }, 're-relaying outbox entries left in processing');
    // Oldest first: entries are LPUSHed, so the list's tail is its oldest end.
    for (const raw of stranded.reverse()) await relay(raw);
  }

  async function run(): Promise<void> {
    let needsRecovery = true;
    while (isRunning) {
      try {
        if (needsRecovery) {
          await recover();
          needsRecovery = false;
        }
        const raw = await redis.blmove(keys.pending, keys.processing, 'RIGHT', 'LEFT', blockSeconds);
        if (raw !== null) await relay(raw);
      } catch (err) {
        if (!isRunning) return;
        logger.warn({ err: (err as Error).message }, 'outbox relay error; retrying');
        needsRecovery = true;
        await new Promise((resolve) => setTimeout(resolve, ERROR_PAUSE_MS));
      }
    }
  }

  return {
    start() {
      if (isRunning) return;
      isRunning = true;
      loop = run();
    },
    async stop() {
      isRunning = false;
      redis.disconnect();
      await loop;
    },
  };
}
