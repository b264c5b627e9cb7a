// Proves the purge service batches cdn.purge jobs over its window into the fewest ImageKit purges (duplicates merged), completes the jobs once submitted, and holds (delays, never fails) jobs when the monthly budget is spent.
import { Queue } from 'bullmq';
import { purgeJobId, queueNames, type PurgeJob, type PurgeReason } from '@ingestkit/contracts';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { createLogger } from '@ingestkit/runtime';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { loadPurgeServiceConfig } from '../src/config';
import { startPurgeService, type RunningPurgeService } from '../src/start';

const KEYS = { privateKey: 'private_purge_test', publicKey: 'public_purge_test' };

let redis: TestRedis;
let emulator: Emulator;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator(KEYS);
});
afterAll(async () => {
  await emulator.close();
  await redis.stop();
});

interface TestService {
  queue: Queue<PurgeJob>;
  running: RunningPurgeService;
  enqueue(url: string, reason: PurgeReason): Promise<string>;
  until<T>(probe: () => Promise<T> | T, predicate: (value: T) => boolean): Promise<T>;
  close(): Promise<void>;
}

async function startService(env: Record<string, string> = {}): Promise<TestService> {
  const prefix = uniquePrefix('purge');
  const config = loadPurgeServiceConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    PURGE_METRICS_PORT: '0',
    PURGE_WINDOW_MS: '200',
    IMAGEKIT_PRIVATE_KEY: KEYS.privateKey,
    IMAGEKIT_PUBLIC_KEY: KEYS.publicKey,
    IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
    IMAGEKIT_BASE_URL: emulator.url,
    ...env,
  });
  const running = await startPurgeService(config, createLogger({ name: 'test-purge-service', level: 'silent' }));
  const queue = new Queue<PurgeJob>(queueNames.purge, { connection: { url: redis.url }, prefix });
  return {
    queue,
    running,
    async enqueue(url, reason) {
      const jobId = purgeJobId(url, reason);
      await queue.add(queueNames.purge, { version: 1, url, reason }, { jobId, removeOnComplete: true });
      return jobId;
    },
    async until(probe, predicate) {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const value = await probe();
        if (predicate(value)) return value;
        if (Date.now() > deadline) throw new Error(`condition not met within 5 s; last value: ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const step of running.shutdownSteps) await step.close();
      await queue.close();
      await deletePrefix(redis.url, prefix);
    },
  };
}

it('merges duplicate URLs of one window into one purge each and completes every job', async () => {
  const service = await startService();
  try {
    const before = emulator.purges().length;
    const one = `${emulator.urlEndpoint}/batch/one.jpg`;
    const two = `${emulator.urlEndpoint}/batch/two.jpg`;
    // Different reasons give the same URL two job ids, so both reach the batch.
    const ids = [await service.enqueue(one, 'overwrite'), await service.enqueue(one, 'api'), await service.enqueue(two, 'api')];

    const purges = await service.until(
      () => emulator.purges().slice(before),
      (list) => list.length >= 2,
    );
    expect(purges.map((purge) => purge.url).sort()).toEqual([one, two]);
    const counts = await service.until(
      () => service.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      (c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0,
    );
    expect(counts.failed).toBe(0);
    for (const id of ids) expect(await service.queue.getJob(id)).toBeUndefined();
    expect(emulator.purges().slice(before)).toHaveLength(2);

    const metrics = await (await fetch(`${service.running.url}/metrics`)).text();
    expect(metrics).toMatch(/ingestkit_purge_requests_total\S* 3/);
    expect(metrics).toMatch(/ingestkit_purge_api_calls_total\{[^}]*outcome="ok"[^}]*\} 2/);
    expect(metrics).toMatch(/ingestkit_purge_budget_remaining\S* 998/);
  } finally {
    await service.close();
  }
});

it('holds jobs as delayed, without calling ImageKit, when the budget is 0', async () => {
  const service = await startService({ PURGE_MONTHLY_BUDGET: '0' });
  try {
    const before = emulator.purges().length;
    const id = await service.enqueue(`${emulator.urlEndpoint}/held/one.jpg`, 'api');
    await service.until(
      () => service.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      (c) => c.delayed === 1,
    );
    expect(await service.queue.getJobCounts('failed', 'waiting', 'active')).toMatchObject({ failed: 0, waiting: 0, active: 0 });
    expect((await service.queue.getJob(id))?.attemptsMade).toBe(0);
    expect(emulator.purges().slice(before)).toEqual([]);
  } finally {
    await service.close();
  }
});
