import { DelayedError, type Job } from 'bullmq';
import { PurgeJob } from '@ingestkit/contracts';
import type { PurgeRequest } from '@ingestkit/purge';
import type { Batcher } from './batcher';
import type { PurgeOutcome } from './purge-batch';
import type { PurgeMetrics } from './purge-metrics';

/**
 * The `cdn.purge` processor. Each job joins the open batch and stays active until the batch is
 * flushed, so the job completes only once its URL's purge was accepted by the CDN (or needs none).
 * A held job is moved to delayed and retried after `heldRetryMs`: never failed, never dropped,
 * and the retry does not use up one of its attempts.
 */
export function purgeProcessor(deps: {
  batcher: Batcher<PurgeRequest, PurgeOutcome>;
  metrics: PurgeMetrics;
  heldRetryMs: number;
}) {
  return async (job: Job, token?: string): Promise<PurgeOutcome> => {
    const payload = PurgeJob.parse(job.data);
    deps.metrics.requests.inc();
    const outcome = await deps.batcher.add({ id: job.id ?? payload.url, url: payload.url, receivedAt: job.timestamp });
    if (outcome.status === 'held') {
      await job.moveToDelayed(Date.now() + deps.heldRetryMs, token);
      throw new DelayedError();
    }
    return outcome;
  };
}
