import { DelayedError, RateLimitError, type Job } from 'bullmq';
import { isIngestError, PurgeJob } from '@ingestkit/contracts';
import type { Batcher } from './batcher';
import type { PurgeOutcome, TrackedPurgeRequest } from './purge-batch';
import type { PurgeMetrics } from './purge-metrics';

export interface PurgeProcessorDeps {
  batcher: Batcher<TrackedPurgeRequest, PurgeOutcome>;
  metrics: PurgeMetrics;
  /** How long a request held for lack of budget waits before it is planned again. */
  heldRetryMs: number;
  /** How long a request deferred behind an in-flight purge waits (the poll interval). */
  deferredRetryMs: number;
  /** Pauses the whole worker after a 429 (BullMQ's `worker.rateLimit`). */
  rateLimit(delayMs: number): Promise<void>;
}

/**
 * The `cdn.purge` processor. Each job joins the open batch and stays active until the batch is
 * flushed, so the job completes only once its URL's purge was accepted by the CDN (or needs none).
 * Held and deferred jobs move to delayed and come back later — never failed, never dropped, and
 * without using up an attempt. A 429 pauses the worker until the CDN's reset time, also without
 * using up an attempt; other failures are retried with the catalog's backoff.
 */
export function purgeProcessor(deps: PurgeProcessorDeps) {
  return async (job: Job, token?: string): Promise<PurgeOutcome> => {
    const payload = PurgeJob.parse(job.data);
    deps.metrics.requests.inc();
    let outcome: PurgeOutcome;
    try {
      outcome = await deps.batcher.add({
        id: job.id ?? payload.url,
        url: payload.url,
        receivedAt: job.timestamp,
        ...(payload.purgeId ? { purgeId: payload.purgeId } : {}),
        reason: payload.reason,
        ...(payload.causedBy ? { causedBy: payload.causedBy } : {}),
      });
    } catch (err) {
      const retryAfterMs =
        isIngestError(err) && err.code === 'rate_limited' ? Number(err.details?.retryAfterMs ?? 1_000) : undefined;
      if (retryAfterMs === undefined) throw err;
      await deps.rateLimit(retryAfterMs);
      throw new RateLimitError();
    }
    if (outcome.status === 'held' || outcome.status === 'deferred') {
      await job.moveToDelayed(Date.now() + (outcome.status === 'held' ? deps.heldRetryMs : deps.deferredRetryMs), token);
      throw new DelayedError();
    }
    return outcome;
  };
}
