import { queueNames } from '@ingestkit/contracts';
import type { StageProcessor } from '@ingestkit/runtime';
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
}

/**
 * The `cdn.purge` processor, run by the runtime's stage worker like every other queue (payload
 * parsing, job metrics, error mapping). Each job joins the open batch and stays active until the
 * batch is flushed, so the job completes only once its URL's purge was accepted by the CDN (or
 * needs none). Held and deferred jobs are put back for later — never failed, never dropped, and
 * without using up an attempt. A 429 with a reset time pauses the worker until then, also without
 * using up an attempt (the stage worker does this for every queue); other failures are retried
 * with the catalog's backoff.
 */
export function purgeProcessor(deps: PurgeProcessorDeps): StageProcessor<typeof queueNames.purge> {
  return {
    queue: queueNames.purge,
    async process(payload, { job }) {
      deps.metrics.requests.inc();
      const outcome = await deps.batcher.add({
        id: job.id ?? payload.url,
        url: payload.url,
        receivedAt: job.timestamp,
        ...(payload.purgeId ? { purgeId: payload.purgeId } : {}),
        reason: payload.reason,
        ...(payload.causedBy ? { causedBy: payload.causedBy } : {}),
      });
      if (outcome.status === 'held') return { deferMs: deps.heldRetryMs };
      if (outcome.status === 'deferred') return { deferMs: deps.deferredRetryMs };
      return undefined;
    },
  };
}
