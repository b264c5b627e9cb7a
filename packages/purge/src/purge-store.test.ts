// The Redis purge store against a real Redis: a purge reads as its least advanced URL, a URL recorded under a request that already completed is completed, and completing a request completes every URL recorded under it.
import { newPurgeId } from '@ingestkit/contracts';
import { createRedis, createLogger, type Redis } from '@ingestkit/runtime';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createRedisPurgeStore, type PurgeStore } from './purge-store';

const E = 'https://ik.imagekit.io/demo';
let testRedis: TestRedis;
let redis: Redis;
let prefix: string;
let store: PurgeStore;

beforeAll(async () => {
  testRedis = await startRedis();
  redis = createRedis({
    url: testRedis.url,
    role: 'worker',
    logger: createLogger({ name: 'purge-store-test', level: 'silent' }),
  });
});
beforeEach(() => {
  prefix = uniquePrefix('purge-store');
  store = createRedisPurgeStore({ redis, prefix });
});
afterEach(() => deletePrefix(testRedis.url, prefix));
afterAll(async () => {
  await redis.quit();
  await testRedis.stop();
});

it('creates a purge once, queued, and reports the least advanced URL as its status', async () => {
  const id = newPurgeId();
  const created = await store.create({ id, reason: 'api', urls: [`${E}/a/b/1.jpg`, `${E}/a/b/2.jpg`] });
  expect(created).toMatchObject({ id, status: 'queued', reason: 'api', requestIds: [] });
  expect(created.urls.map((url) => url.status)).toEqual(['queued', 'queued']);
  await store.create({ id, reason: 'overwrite', urls: [`${E}/other.jpg`] });
  const again = await store.get(id);
  expect(again?.reason).toBe('api');

  await store.record(id, { url: `${E}/a/b/1.jpg`, status: 'submitted', rule: `${E}/a/b/*`, requestId: 'r1' });
  expect((await store.get(id))?.status).toBe('queued');
  await store.record(id, { url: `${E}/a/b/2.jpg`, status: 'held' });
  expect((await store.get(id))?.status).toBe('held');
  await store.record(id, { url: `${E}/a/b/2.jpg`, status: 'submitted', rule: `${E}/a/b/*`, requestId: 'r1' });
  const submitted = await store.get(id);
  expect(submitted).toMatchObject({ status: 'submitted', requestIds: ['r1'] });
  expect(await store.get(newPurgeId())).toBeUndefined();
});

it('completes every URL recorded under a request, and records late URLs of a finished request as completed', async () => {
  const first = newPurgeId();
  const second = newPurgeId();
  await store.create({ id: first, reason: 'api', urls: [`${E}/a/b/1.jpg`] });
  await store.create({ id: second, reason: 'version-superseded', urls: [`${E}/a/b/2.jpg`] });
  const inFlight = { rule: `${E}/a/b/*`, requestId: 'req-1', submittedAt: 1000 };
  await store.addInFlight(inFlight);
  await store.record(first, { url: `${E}/a/b/1.jpg`, status: 'submitted', rule: inFlight.rule, requestId: 'req-1' });
  expect(await store.inFlight()).toEqual([inFlight]);

  await store.complete(inFlight);
  expect(await store.inFlight()).toEqual([]);
  expect((await store.get(first))?.status).toBe('completed');

  // A batch that planned against the in-flight rule just before it completed.
  await store.record(second, { url: `${E}/a/b/2.jpg`, status: 'submitted', rule: inFlight.rule, requestId: 'req-1' });
  expect(await store.get(second)).toMatchObject({ status: 'completed', requestIds: ['req-1'] });
});

it('ignores URL records of a purge it never created', async () => {
  const id = newPurgeId();
  await store.record(id, { url: `${E}/x.jpg`, status: 'held' });
  expect(await store.get(id)).toBeUndefined();
});
