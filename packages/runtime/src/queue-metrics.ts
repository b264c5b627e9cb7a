import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';

/**
 * States reported per queue; `completed` is left out (retention makes it meaningless as a depth).
 * `waiting` includes the jobs of a paused queue (BullMQ counts those as `paused`).
 */
const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/** How many delayed jobs are inspected for the oldest one; a backlog larger than this is already an alert. */
const DELAYED_SCAN = 1_000;

/**
 * Queue depth gauges, read from Redis at scrape time (nothing to keep in sync):
 * `ingestkit_queue_jobs{queue,state}` and `ingestkit_queue_oldest_job_age_seconds{queue}`, the age
 * of the oldest job still waiting or delayed — the one number that says how far behind a queue is.
 * A scrape during a Redis outage reports nothing new rather than failing the whole scrape.
 */
export function registerQueueMetrics(registry: Registry, queues: readonly Queue[]): void {
  new Gauge({
    name: 'ingestkit_queue_jobs',
    help: 'Jobs in each queue by state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...states).catch(() => undefined)));
      queues.forEach((queue, index) => {
        const count = counts[index];
        if (!count) return;
        for (const state of states) this.set({ queue: queue.name, state }, count[state] ?? 0);
        // Jobs of a paused queue sit in BullMQ's `paused` list: they are waiting all the same,
        // and a paused (stalled) queue must not read as an empty backlog.
        this.set({ queue: queue.name, state: 'waiting' }, (count.waiting ?? 0) + (count.paused ?? 0));
      });
    },
  });
  new Gauge({
    name: 'ingestkit_queue_oldest_job_age_seconds',
    help: 'Age of the oldest job waiting or delayed in each queue (0 when empty), read at scrape time',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const ages = await Promise.all(queues.map((queue) => oldestJobAgeSeconds(queue).catch(() => undefined)));
      queues.forEach((queue, index) => {
        const age = ages[index];
        if (age !== undefined) this.set({ queue: queue.name }, age);
      });
    },
  });
}

async function oldestJobAgeSeconds(queue: Queue): Promise<number> {
  // Waiting jobs are FIFO, so the oldest is at the end of the range; delayed jobs are ordered by
  // when they run, not by age, so those are scanned.
  const [oldestWaiting] = await queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
  const delayed = await queue.getJobs(['delayed'], 0, DELAYED_SCAN - 1, true);
  const timestamps = [oldestWaiting, ...delayed].flatMap((job) => (job ? [job.timestamp] : []));
  if (timestamps.length === 0) return 0;
  return Math.max(0, (Date.now() - Math.min(...timestamps)) / 1000);
}
