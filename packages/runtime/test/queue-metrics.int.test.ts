// Proves the queue gauges read real Redis at scrape time: jobs per state, and the age of the oldest waiting or delayed job (0 for an empty queue).
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { registerQueueMetrics } from '../src/queue-metrics';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

it('reports jobs by state and the age of the oldest waiting or delayed job', async () => {
  const prefix = uniquePrefix('queue-metrics');
  const busy = new Queue('cdn.purge', { connection: { url: redis.url }, prefix });
  const idle = new Queue('asset.notify', { connection: { url: redis.url }, prefix });
  try {
    const registry = new Registry();
    registerQueueMetrics(registry, [busy, idle]);
    // The delayed job is the oldest: its timestamp is an hour back, though it runs last.
    await busy.add('old', {}, { delay: 60_000, timestamp: Date.now() - 3_600_000 });
    await busy.add('new', {});
    await busy.add('newer', {});

    const jobs = await registry.getSingleMetric('ingestkit_queue_jobs')!.get();
    const count = (queue: string, state: string) =>
      jobs.values.find((value) => value.labels.queue === queue && value.labels.state === state)?.value;
    expect([count('cdn.purge', 'waiting'), count('cdn.purge', 'delayed'), count('cdn.purge', 'failed')]).toEqual([2, 1, 0]);
    expect(count('asset.notify', 'waiting')).toBe(0);

    const ages = await registry.getSingleMetric('ingestkit_queue_oldest_job_age_seconds')!.get();
    const age = (queue: string) => ages.values.find((value) => value.labels.queue === queue)?.value;
    expect(age('cdn.purge')).toBeGreaterThanOrEqual(3_600);
    expect(age('cdn.purge')).toBeLessThan(3_700);
    expect(age('asset.notify')).toBe(0);

    await busy.remove((await busy.getDelayed())[0]!.id!);
    const [waitingOldest] = await busy.getJobs(['waiting'], 0, 0, true);
    expect(waitingOldest?.name).toBe('new');
    const after = (await registry.getSingleMetric('ingestkit_queue_oldest_job_age_seconds')!.get()).values;
    expect(after.find((value) => value.labels.queue === 'cdn.purge')!.value).toBeLessThan(60);
  } finally {
    await busy.close();
    await idle.close();
    await deletePrefix(redis.url, prefix);
  }
});
