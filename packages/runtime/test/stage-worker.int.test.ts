// Proves the worker factory retries retryable errors with the catalog's attempts, stops at once on permanent ones, reports the final failure exactly once, and puts a job back without spending an attempt when rate limited or when its processor asks to.
import { QueueEvents } from 'bullmq';
import { IngestError, jobCatalog, queueNames } from '@ingestkit/contracts';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createLogger } from '../src/logger';
import { createJobMetrics, createMetricsRegistry } from '../src/metrics';
import { createQueue, enqueueStage } from '../src/queues';
import { createRedis, waitForRedis } from '../src/redis';
import { createRunGate } from '../src/run-gate';
import { createStageWorker, type StageProcessor } from '../src/stage-worker';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function runUntilFailed(process: StageProcessor<typeof queueNames.validate>['process']) {
  const prefix = uniquePrefix('runtime');
  const producer = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(producer, 5_000);
  const queue = createQueue(queueNames.validate, { connection: producer, prefix });
  const events = new QueueEvents(queueNames.validate, { connection: { url: redis.url }, prefix });
  await events.waitUntilReady();
  const registry = createMetricsRegistry({ service: 'test', defaultMetrics: false });
  const finalFailures: IngestError[] = [];
  const attempts: number[] = [];
  const workerConnection = createRedis({ url: redis.url, role: 'worker' });
  const worker = createStageWorker(
    {
      queue: queueNames.validate,
      process: async (payload, context) => {
        attempts.push(context.job.attemptsMade + 1);
        await process(payload, context);
      },
      onFinalFailure: async (_payload, error) => {
        finalFailures.push(error);
      },
    },
    {
      connection: workerConnection,
      runGate: createRunGate(),
      prefix,
      concurrency: 1,
      logger: createLogger({ name: 'test', level: 'silent' }),
      metrics: createJobMetrics(registry),
    },
  );
  const failed = new Promise<string>((resolve) => events.on('failed', ({ failedReason }) => resolve(failedReason)));
  void worker.run();
  // The catalog's attempts, with a 10 ms backoff instead of seconds so the test stays fast.
  await queue.add(
    queueNames.validate,
    { version: 1, assetId: 'ast_AAAAAAAAAAAAAAAAAAAAAA' },
    { attempts: jobCatalog[queueNames.validate].attempts, backoff: { type: 'fixed', delay: 10 } },
  );
  const failedReason = await failed;
  await worker.close();
  workerConnection.disconnect();
  await events.close();
  await queue.close();
  producer.disconnect();
  await deletePrefix(redis.url, prefix);
  return { attempts, finalFailures, failedReason, metrics: await registry.getMetricsAsJSON() };
}

it('stops after one attempt on a permanent error and records it once', async () => {
  const result = await runUntilFailed(async () => {
    throw new IngestError('corrupt_image', 'premature end of JPEG');
  });
  expect(result.attempts).toEqual([1]);
  expect(result.finalFailures.map((error) => error.code)).toEqual(['corrupt_image']);
  expect(result.failedReason).toBe('corrupt_image: premature end of JPEG');
  const processed = result.metrics.find((metric) => metric.name === 'ingestkit_jobs_processed_total');
  expect(processed?.values).toEqual([
    // Exported from start-up, so an idle queue reads 0 rather than nothing.
    expect.objectContaining({
      value: 0,
      labels: { service: 'test', queue: 'ingest.validate', outcome: 'completed', code: '' },
    }),
    expect.objectContaining({
      value: 1,
      labels: { service: 'test', queue: 'ingest.validate', outcome: 'rejected', code: 'corrupt_image' },
    }),
  ]);
});

it('refuses to enqueue a payload that does not match the catalog', async () => {
  const prefix = uniquePrefix('runtime');
  const producer = createRedis({ url: redis.url, role: 'producer' });
  const queue = createQueue(queueNames.validate, { connection: producer, prefix });
  await expect(enqueueStage(queue, { version: 2, assetId: 'x' } as never)).rejects.toThrow();
  await queue.close();
  producer.disconnect();
});

it('retries a retryable error up to the catalog attempts, then reports the final failure once', async () => {
  const result = await runUntilFailed(async () => {
    throw new IngestError('storage_error', 'S3 said 503');
  });
  expect(result.attempts).toEqual([1, 2, 3, 4, 5]);
  expect(result.finalFailures.map((error) => error.code)).toEqual(['storage_error']);
}, 60_000);

it('puts a rate-limited job back without spending an attempt, and runs it after the reset time', async () => {
  let calls = 0;
  const started = Date.now();
  const prefix = uniquePrefix('runtime');
  const producer = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(producer, 5_000);
  const queue = createQueue(queueNames.validate, { connection: producer, prefix });
  const workerConnection = createRedis({ url: redis.url, role: 'worker' });
  const attemptsSeen: number[] = [];
  const done = new Promise<void>((resolve) => {
    const worker = createStageWorker(
      {
        queue: queueNames.validate,
        process: async (_payload, context) => {
          calls += 1;
          attemptsSeen.push(context.job.attemptsMade);
          if (calls === 1) throw new IngestError('rate_limited', 'slow down', { details: { retryAfterMs: 300 } });
          resolve();
        },
      },
      {
        connection: workerConnection,
        runGate: createRunGate(),
        prefix,
        concurrency: 1,
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics: createJobMetrics(createMetricsRegistry({ service: 'test', defaultMetrics: false })),
      },
    );
    void worker.run();
    afterRun.push(() => worker.close());
  });
  await enqueueStage(queue, { version: 1, assetId: 'ast_BBBBBBBBBBBBBBBBBBBBBB' });
  await done;
  expect(calls).toBe(2);
  expect(attemptsSeen).toEqual([0, 0]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  for (const close of afterRun.splice(0)) await close();
  workerConnection.disconnect();
  await queue.close();
  producer.disconnect();
  await deletePrefix(redis.url, prefix);
});

it('puts a job back for as long as its processor asks, without spending an attempt, counted as deferred', async () => {
  const started = Date.now();
  const prefix = uniquePrefix('runtime');
  const producer = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(producer, 5_000);
  const queue = createQueue(queueNames.validate, { connection: producer, prefix });
  const workerConnection = createRedis({ url: redis.url, role: 'worker' });
  const registry = createMetricsRegistry({ service: 'test', defaultMetrics: false });
  const attemptsSeen: number[] = [];
  const done = new Promise<void>((resolve) => {
    const worker = createStageWorker(
      {
        queue: queueNames.validate,
        process: async (_payload, context) => {
          attemptsSeen.push(context.job.attemptsMade);
          if (attemptsSeen.length === 1) return { deferMs: 300 };
          resolve();
          return undefined;
        },
      },
      {
        connection: workerConnection,
        runGate: createRunGate(),
        prefix,
        concurrency: 1,
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics: createJobMetrics(registry),
      },
    );
    void worker.run();
    afterRun.push(() => worker.close());
  });
  await enqueueStage(queue, { version: 1, assetId: 'ast_CCCCCCCCCCCCCCCCCCCCCC' });
  await done;
  expect(attemptsSeen).toEqual([0, 0]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  for (const close of afterRun.splice(0)) await close();
  const processed = (await registry.getMetricsAsJSON()).find((metric) => metric.name === 'ingestkit_jobs_processed_total');
  expect(processed?.values.map(({ labels, value }) => [labels.outcome, value])).toEqual([
    ['completed', 1],
    ['deferred', 1],
  ]);
  workerConnection.disconnect();
  await queue.close();
  producer.disconnect();
  await deletePrefix(redis.url, prefix);
});

const afterRun: Array<() => Promise<void>> = [];
