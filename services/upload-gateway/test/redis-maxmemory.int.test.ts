// Proves Redis's memory bound holds without the gateway breaking: with `maxmemory` reached under
// `noeviction`, Redis refuses writes (nothing is evicted, no queued job lost) and the gateway
// answers uploads 503 dependency_unavailable, never 500, until memory is available again.
import { Redis } from 'ioredis';
import { makePng, startRedisServer, type RedisServerProcess } from '@ingestkit/testkit';
import { postUpload, startTestGateway, type TestGateway } from './harness';

let server: RedisServerProcess;
let gateway: TestGateway;
let admin: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  gateway = await startTestGateway({ redisUrl: server.url, settings: { rateLimit: { perMinute: 100_000 } } });
});
afterAll(async () => {
  await gateway.close();
  admin.disconnect();
  await server.stop();
});

const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);

it('answers 503 once Redis is at maxmemory, keeps every accepted asset, and accepts again when memory frees', async () => {
  const png = await makePng({ width: 8, height: 8 });
  expect((await postUpload(gateway, { files: [{ data: png }] })).status).toBe(202);
  const limit = (await usedMemory()) + 256 * 1024;
  await admin.config('SET', 'maxmemory', String(limit));
  expect(await admin.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);

  const statuses = new Map<string, number>();
  let accepted = 1;
  let after503 = 20;
  for (let i = 0; i < 2_000 && after503 > 0; i++) {
    if (statuses.has('503 dependency_unavailable')) after503--;
    const answer = await postUpload(gateway, { files: [{ data: png }] });
    const key = `${answer.status} ${answer.body?.error?.code ?? ''}`.trim();
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    if (answer.status === 202) accepted++;
  }
  expect([...statuses.keys()].sort()).toEqual(['202', '503 dependency_unavailable']);
  // Redis may overshoot by the last command's allocation, never by more.
  expect(await usedMemory()).toBeLessThan(limit + 64 * 1024);
  // noeviction: every accepted asset and its job is still there. An upload refused because its
  // job could not be added (Redis filled up between the two writes) leaves at most a record its
  // client never got: `failed` at upload, or `queued` without a job until the janitor marks it
  // failed. None of them is processed.
  expect(await admin.llen(`${gateway.prefix}:ingest.validate:wait`)).toBe(accepted);
  const records = await Promise.all(
    (await admin.keys(`${gateway.prefix}:asset:*`)).map((key) => admin.hmget(key, 'status', 'error')),
  );
  expect(records.filter(([status]) => status !== 'queued' && status !== 'failed')).toEqual([]);
  const refused = records.length - accepted;
  expect(refused).toBeGreaterThanOrEqual(0);
  expect(refused).toBeLessThanOrEqual(5);

  await admin.config('SET', 'maxmemory', '0');
  expect((await postUpload(gateway, { files: [{ data: png }] })).status).toBe(202);
});
