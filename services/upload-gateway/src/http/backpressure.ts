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
 *
 * The queues are counted at most once a second (concurrent requests share one count), and the
 * jobs this process admitted since that count began are added to it, so a burst between two
 * counts cannot overshoot the bound: what can still overshoot it is work admitted before a
 * count and not yet enqueued when it ran (uploads still streaming), and other gateway replicas.
 * An admitted request that then fails keeps its place until the next count, at most a second.
 * The returned function takes the number of jobs the request would add (a batch: its size).
 */
export function createBackpressure(deps: {
  queues: readonly Queue[];
  maxBacklog: number;
}): (admitting?: number) => Promise<void> {
  let measured: { at: number; backlog: number } | undefined;
  let admittedSince = 0;
  let counting: Promise<void> | undefined;
  const count = async (): Promise<void> => {
    const admittedBefore = admittedSince;
    const counts = await Promise.all(deps.queues.map((queue) => queue.getJobCounts('waiting', 'delayed', 'prioritized')));
    const total = counts.reduce((sum, count) => sum + (count.waiting ?? 0) + (count.delayed ?? 0) + (count.prioritized ?? 0), 0);
    measured = { at: Date.now(), backlog: total };
    // Admissions made while counting may or may not be in the count: keep them, erring on refusing.
    admittedSince -= admittedBefore;
  };
  return async (admitting = 1) => {
    if (deps.maxBacklog <= 0) return;
    if (!measured || Date.now() - measured.at >= CACHE_MS) {
      counting ??= count().finally(() => (counting = undefined));
      await counting;
    }
    // No await from here on: the check and the admission are one step for concurrent requests.
    const current = measured!.backlog + admittedSince;
    if (current >= deps.maxBacklog) {
      throw new IngestError('backlog_full', 'the ingest queues are full; retry later (direct uploads still work)', {
        details: { backlog: current, maxBacklog: deps.maxBacklog, retryAfterSeconds: RETRY_AFTER_SECONDS },
      });
    }
    admittedSince += admitting;
  };
}
