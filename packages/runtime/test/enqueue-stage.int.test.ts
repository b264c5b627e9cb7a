// Proves enqueueStage adds a stage's job once while it waits, and replaces a finished one: a stage
// the asset must go through again (a retry, a previous stage run twice after a crash) is never
// silently skipped because its old job was kept (found by the chaos suite).
import { Worker } from 'bullmq';
import { queueNames } from '@ingestkit/contracts';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createQueue, enqueueStage } from '../src/queues';
import { createRedis, waitForRedis } from '../src/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

it('keeps one job per asset and stage while it waits, and runs the stage again after it failed or completed', async () => {
  const prefix = uniquePrefix('enqueue');
  const connection = createRedis({ url: redis.url, role: 'producer' });
  await waitForRedis(connection, 5_000);
  const deliver = createQueue(queueNames.deliver, { connection, prefix, jobOptions: { attempts: 1 } });
  const payload = { version: 1 as const, assetId: 'ast_BBBBBBBBBBBBBBBBBBBBBB' };
  const runs: string[] = [];
  const worker = new Worker(
    queueNames.deliver,
    async () => {
      runs.push('run');
      if (runs.length === 1) throw new Error('the first run fails');
    },
    { connection: { url: redis.url }, prefix, autorun: false },
  );
  const until = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (runs.length < count || ((await deliver.getJobCounts('active', 'waiting')).active ?? 0) > 0) {
      if (Date.now() > deadline) throw new Error(`the stage ran ${runs.length} times, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  try {
    await enqueueStage(deliver, payload);
    await enqueueStage(deliver, payload);
    expect(await deliver.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    void worker.run();
    await until(1);
    expect(await deliver.getJobCounts('failed')).toMatchObject({ failed: 1 });

    await enqueueStage(deliver, payload);
    await until(2);
    expect(await deliver.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 0 });

    await enqueueStage(deliver, payload);
    await until(3);
    expect(await deliver.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 0 });
  } finally {
    await worker.close();
    await deliver.close();
    connection.disconnect();
    await deletePrefix(redis.url, prefix);
  }
});
