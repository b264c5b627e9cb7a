// Proves the purge service batches cdn.purge jobs over its window into the fewest ImageKit purges (duplicates merged), completes the jobs once submitted, and holds (delays, never fails) jobs when the monthly budget is spent.
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { KEYS, startService as startTestService, until, type TestService } from './harness';

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

const startService = (env: Record<string, string> = {}): Promise<TestService> => startTestService(redis.url, emulator, env);

it('merges duplicate URLs of one window into one purge each and completes every job', async () => {
  const service = await startService();
  try {
    const before = emulator.purges().length;
    const one = `${emulator.urlEndpoint}/batch/one.jpg`;
    const two = `${emulator.urlEndpoint}/batch/two.jpg`;
    // Different reasons give the same URL two job ids, so both reach the batch.
    const ids = [await service.enqueue(one, 'overwrite'), await service.enqueue(one, 'api'), await service.enqueue(two, 'api')];

    const purges = await until(
      () => emulator.purges().slice(before),
      (list) => list.length >= 2,
    );
    expect(purges.map((purge) => purge.url).sort()).toEqual([one, two]);
    const counts = await until(
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
    await until(
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
