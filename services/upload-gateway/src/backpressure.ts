import type { Queue } from 'bullmq';
import { IngestError } from '@ingestkit/contracts';

/** How long a measured backlog is trusted: one count per second, whatever the request rate. */
const CACHE_MS = 1_000;
/** What the gateway tells clients to wait when the backlog is full. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Admission control for work the gateway itself brings in (multipart uploads, server-side
 * jobs): once the ingest queues hold more than `maxBacklog` jobs waiting or delayed, new work
 * is refused with 503 `backlog_full` and `Retry-After` before a byte is read, so a slow or
 * stopped worker fleet cannot fill the staging disk or Redis. Direct uploads keep working:
 * their bytes go to storage, not through the gateway, and refusing their completion would
 * only strand objects already stored; their asset waits in the queue like any other.
 * `maxBacklog` 0 turns the check off.
 */
export function createBackpressure(deps: { queues: readonly Queue[]; maxBacklog: number }): () => Promise<void> {
  let measured: { at: number; backlog: number } | undefined;
  const backlog = async (): Promise<number> => {
    if (measured && Date.now() - measured.at < CACHE_MS) return measured.backlog;
    const counts = await Promise.all(deps.queues.map((queue) => queue.getJobCounts('waiting', 'delayed', 'prioritized')));
    const total = counts.reduce((sum, count) => sum + (count.waiting ?? 0) + (count.delayed ?? 0) + (count.prioritized ?? 0), 0);
    measured = { at: Date.now(), backlog: total };
    return total;
  };
  return async () => {
    if (deps.maxBacklog <= 0) return;
    const current = await backlog();
    if (current >= deps.maxBacklog) {
      throw new IngestError('backlog_full', 'the ingest queues are full; retry later (direct uploads still work)', {
        details: { backlog: current, maxBacklog: deps.maxBacklog, retryAfterSeconds: RETRY_AFTER_SECONDS },
      });
    }
  };
}
