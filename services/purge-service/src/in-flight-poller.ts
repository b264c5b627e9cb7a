import { isIngestError } from '@ingestkit/contracts';
import type { PurgeStore } from '@ingestkit/purge';
import type { Logger } from '@ingestkit/runtime';
import type { PurgeBackend } from './purge-backend';

export interface InFlightPoller {
  /** Polls every in-flight purge once; resolves when done (used by the loop and by tests). */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Asks the CDN, every `intervalMs`, whether each in-flight purge has reached every edge, and
 * completes those that have. Completion releases the requests deferred behind a rule, so the
 * interval is also how long such a request waits at least. Errors are logged and the purge is
 * asked again next round; a 429 ends the round.
 */
export function startInFlightPoller(deps: {
  store: PurgeStore;
  backend: PurgeBackend;
  intervalMs: number;
  logger: Logger;
}): InFlightPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const pollOnce = async (): Promise<void> => {
    for (const purge of await deps.store.inFlight()) {
      if (stopped) return;
      try {
        if ((await deps.backend.status(purge.requestId)) === 'Completed') await deps.store.complete(purge);
      } catch (err) {
        if (isIngestError(err) && err.code === 'not_found') {
          // The CDN no longer knows the request (expired history): nothing left to wait for.
          deps.logger.warn({ requestId: purge.requestId, rule: purge.rule }, 'the CDN no longer knows this purge; completing it');
          await deps.store.complete(purge);
          continue;
        }
        deps.logger.warn({ err: (err as Error).message, requestId: purge.requestId }, 'purge status check failed');
        if (isIngestError(err) && err.code === 'rate_limited') return;
      }
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = pollOnce()
        .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'purge status round failed'))
        .finally(schedule);
    }, deps.intervalMs);
  };
  schedule();

  return {
    pollOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
    },
  };
}
