// Proves a poisoned job — one whose worker dies every time it runs it — stops after the allowed stalls: the worker that notices fails it with worker_lost and records the final failure once, instead of the job looping or its asset staying in its stage.
import type { Worker } from 'bullmq';
import { queueNames, type IngestError } from '@ingestkit/contracts';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createLogger } from '../src/logger';
import { createJobMetrics, createMetricsRegistry } from '../src/metrics';
import { createQueue } from '../src/queues';
import { createRedis, waitForRedis } from '../src/redis';
import { createStageWorker } from '../src/stage-worker';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

it('fails a job that stalled more often than allowed with worker_lost, recording the final failure once', async () => {
  const prefix = uniquePrefix('stalls');
  const producer = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(producer, 5_000);
  const queue = createQueue(queueNames.validate, { connection: producer, prefix });
  const registry = createMetricsRegistry({ service: 'test', defaultMetrics: false });
  const metrics = createJobMetrics(registry);
  const runs: number[] = [];
  const finalFailures: IngestError[] = [];
  const connections: ReturnType<typeof createRedis>[] = [];
  const workers: Worker[] = [];

  /** A worker whose processor never returns, as if its process hung or died mid-job. */
  const startWorker = (index: number): Worker => {
    const connection = createRedis({ url: redis.url, role: 'worker' });
    connections.push(connection);
    const worker = createStageWorker(
      {
        queue: queueNames.validate,
        process: () => {
          runs.push(index);
          return new Promise<void>(() => {});
        },
        onFinalFailure: async (_payload, error) => void finalFailures.push(error),
      },
      {
        connection,
        prefix,
        concurrency: 1,
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics,
        stalls: { lockDurationMs: 400, stalledIntervalMs: 300, maxStalledCount: 1 },
      },
    );
    void worker.run();
    workers.push(worker);
    return worker;
  };
  const until = async (predicate: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; runs ${JSON.stringify(runs)}, failures ${finalFailures.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  try {
    await queue.add(queueNames.validate, { version: 1, assetId: 'ast_AAAAAAAAAAAAAAAAAAAAAA' }, { attempts: 5 });
    // Each worker takes the job and then "dies" (closed at once: the lock is no longer renewed).
    const first = startWorker(1);
    await until(() => runs.length === 1);
    await first.close(true);
    const second = startWorker(2);
    await until(() => runs.length === 2);
    await second.close(true);
    // The third worker's stall check finds the job stalled a second time: more than allowed.
    startWorker(3);
    await until(() => finalFailures.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(runs).toEqual([1, 2]);
    expect(finalFailures.map((error) => error.code)).toEqual(['worker_lost']);
    expect(await queue.getJobCounts('failed', 'wait', 'active')).toMatchObject({ failed: 1, wait: 0, active: 0 });
    const processed = (await registry.getSingleMetric('ingestkit_jobs_processed_total')!.get()).values;
    expect(processed).toContainEqual(
      expect.objectContaining({ labels: { queue: 'ingest.validate', outcome: 'failed', code: 'worker_lost' } }),
    );
  } finally {
    // Force: a processor that never returns would hold a graceful close forever.
    await Promise.all(workers.map((worker) => worker.close(true)));
    await queue.close();
    for (const connection of connections) connection.disconnect();
    producer.disconnect();
    await deletePrefix(redis.url, prefix);
  }
});
