// Proves a poisoned job — one whose worker dies every time it runs it — stops after the allowed stalls: the worker that notices fails it with worker_lost and records the final failure once, instead of the job looping or its asset staying in its stage; and that jobs doing no image work (notifications) are never failed by crashes.
import type { Worker } from 'bullmq';
import { notificationId, queueNames, type IngestError, type QueueName } from '@ingestkit/contracts';
import { deletePrefix, makeAsset, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createLogger } from '../src/logger';
import { createJobMetrics, createMetricsRegistry } from '../src/metrics';
import { createQueue } from '../src/queues';
import { createRedis, waitForRedis } from '../src/redis';
import { createRunGate, type RunGate } from '../src/run-gate';
import { createStageWorker } from '../src/stage-worker';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

/** Workers of one queue that each "die" (are closed at once: the lock is no longer renewed) while running the job, or finish it. */
async function stallHarness(queueName: QueueName) {
  const prefix = uniquePrefix('stalls');
  const producer = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(producer, 5_000);
  const queue = createQueue(queueName, { connection: producer, prefix });
  const registry = createMetricsRegistry({ service: 'test', defaultMetrics: false });
  const metrics = createJobMetrics(registry);
  const runs: number[] = [];
  const finalFailures: IngestError[] = [];
  const connections: ReturnType<typeof createRedis>[] = [];
  const workers: Worker[] = [];

  const ran: Array<{ worker: number; assetId: string | undefined }> = [];
  const startWorker = (index: number, finishes = false, process?: { concurrency: number; runGate: RunGate }): Worker => {
    const connection = createRedis({ url: redis.url, role: 'worker' });
    connections.push(connection);
    const worker = createStageWorker(
      {
        queue: queueName,
        process: (payload) => {
          runs.push(index);
          ran.push({ worker: index, assetId: (payload as { assetId?: string }).assetId });
          return finishes ? Promise.resolve() : new Promise<void>(() => {});
        },
        onFinalFailure: async (_payload, error) => void finalFailures.push(error),
      },
      {
        connection,
        prefix,
        concurrency: process?.concurrency ?? 1,
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics,
        stalls: { lockDurationMs: 400, stalledIntervalMs: 300, maxStalledCount: 1 },
        // Each worker stands for a process of its own, unless told which process's gate it shares.
        runGate: process?.runGate ?? createRunGate(),
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
  /** Each of `count` workers takes the job and then dies. */
  const dieRunning = async (count: number) => {
    for (let index = 1; index <= count; index++) {
      const worker = startWorker(index);
      await until(() => runs.length === index);
      await worker.close(true);
    }
  };
  const close = async () => {
    // Force: a processor that never returns would hold a graceful close forever.
    await Promise.all(workers.map((worker) => worker.close(true)));
    await queue.close();
    for (const connection of connections) connection.disconnect();
    producer.disconnect();
    await deletePrefix(redis.url, prefix);
  };
  return { queue, registry, runs, ran, finalFailures, startWorker, until, dieRunning, close };
}

it('fails a job that stalled more often than allowed with worker_lost, recording the final failure once', async () => {
  const harness = await stallHarness(queueNames.validate);
  const { queue, runs, finalFailures, until } = harness;
  try {
    await queue.add(queueNames.validate, { version: 1, assetId: 'ast_AAAAAAAAAAAAAAAAAAAAAA' }, { attempts: 5 });
    await harness.dieRunning(2);
    // The third worker's stall check finds the job stalled a second time: more than allowed.
    harness.startWorker(3);
    await until(() => finalFailures.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(runs).toEqual([1, 2]);
    expect(finalFailures.map((error) => error.code)).toEqual(['worker_lost']);
    expect(await queue.getJobCounts('failed', 'wait', 'active')).toMatchObject({ failed: 1, wait: 0, active: 0 });
    const processed = (await harness.registry.getSingleMetric('ingestkit_jobs_processed_total')!.get()).values;
    expect(processed).toContainEqual(
      expect.objectContaining({ labels: { queue: 'ingest.validate', outcome: 'failed', code: 'worker_lost' } }),
    );
  } finally {
    await harness.close();
  }
});

it('never fails a notification because the processes running it died (found by the chaos suite)', async () => {
  const harness = await stallHarness(queueNames.notify);
  const { queue, runs, finalFailures, until } = harness;
  try {
    const asset = makeAsset({ status: 'ready' });
    const notification = {
      id: notificationId({ assetId: asset.id, type: 'asset.ready', discriminator: '1' }),
      type: 'asset.ready' as const,
      createdAt: asset.updatedAt,
      data: { asset },
    };
    await queue.add(queueNames.notify, { version: 1, notification }, { attempts: 5 });
    await harness.dieRunning(3);
    harness.startWorker(4, true);
    await until(() => runs.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finalFailures).toEqual([]);
    expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 0 });
  } finally {
    await harness.close();
  }
});

it('holds no innocent job in a process where a suspect job runs, so its death costs the innocent nothing (found by the chaos suite)', async () => {
  const harness = await stallHarness(queueNames.validate);
  const { queue, ran, until } = harness;
  const suspectId = 'ast_SSSSSSSSSSSSSSSSSSSSSS';
  const innocentId = 'ast_IIIIIIIIIIIIIIIIIIIIII';
  try {
    await queue.add(queueNames.validate, { version: 1, assetId: suspectId }, { attempts: 5 });
    await harness.dieRunning(1);
    // A process with room for two jobs takes the suspect (it stalled once) and runs it alone.
    const doomed = harness.startWorker(2, false, { concurrency: 2, runGate: createRunGate() });
    await until(() => ran.some((run) => run.worker === 2));
    const innocent = await queue.add(queueNames.validate, { version: 1, assetId: innocentId }, { attempts: 5 });
    // The innocent job is not held there: another process takes it and finishes it.
    harness.startWorker(3, true);
    const deadline = Date.now() + 10_000;
    while ((await queue.getJobState(innocent.id!)) !== 'completed') {
      if (Date.now() > deadline)
        throw new Error(`the innocent job is ${await queue.getJobState(innocent.id!)}; runs ${JSON.stringify(ran)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await doomed.close(true);
    expect((await queue.getJob(innocent.id!))!.stalledCounter).toBe(0);
    expect(ran.filter((run) => run.worker === 2).map((run) => run.assetId)).toEqual([suspectId]);
  } finally {
    await harness.close();
  }
});
