// Proves the multipart byte budget against a real Redis: concurrent reservations never pass the cap, a replaced part frees its old bytes only when it lands, and declared sizes only grow.
import { Redis } from 'ioredis';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createPartBudget, type PartBudget } from '../src/multipart/part-budget';

let server: TestRedis;
let redis: Redis;
let prefix: string;
let budget: PartBudget;
const asset = 'ast_AAAAAAAAAAAAAAAAAAAAAA';

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
beforeEach(() => {
  prefix = uniquePrefix('part-budget');
  budget = createPartBudget({ redis, prefix });
});
afterEach(async () => {
  await deletePrefix(server.url, prefix);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

it('grants concurrent reservations only while they fit the cap together', async () => {
  const granted = await Promise.all(Array.from({ length: 50 }, () => budget.reserve(asset, 300, 1000)));
  expect(granted.filter(Boolean)).toHaveLength(3);
  expect(await budget.remaining(asset, 1000)).toBe(100);
});

it('keeps a replaced part counted until its replacement lands, then frees it', async () => {
  expect(await budget.reserve(asset, 600, 1000)).toBe(true);
  await budget.commit(asset, 1, 600, 600);
  // Re-sending part 1: both copies exist while the new one streams.
  expect(await budget.reserve(asset, 600, 1000)).toBe(false);
  expect(await budget.reserve(asset, 300, 1000)).toBe(true);
  await budget.commit(asset, 1, 250, 300);
  expect(await budget.remaining(asset, 1000)).toBe(750);
  await budget.release(asset, 0);
  await budget.forget(asset);
  expect(await budget.remaining(asset, 1000)).toBe(1000);
});

it('holds declared sizes to the cap, counting each part at the largest size it was declared', async () => {
  await budget.declare(asset, 1, 600, 1000);
  await expect(budget.declare(asset, 2, 600, 1000)).rejects.toMatchObject({ code: 'payload_too_large' });
  await budget.declare(asset, 2, 400, 1000);
  await budget.declare(asset, 1, 100, 1000); // smaller: part 1 stays at 600
  await expect(budget.declare(asset, 3, 1, 1000)).rejects.toMatchObject({ code: 'payload_too_large' });
});

it('lets one request at a time hold a part number', async () => {
  expect(await budget.lockPart(asset, 1)).toBe(true);
  expect(await budget.lockPart(asset, 1)).toBe(false);
  expect(await budget.lockPart(asset, 2)).toBe(true);
  await budget.unlockPart(asset, 1);
  expect(await budget.lockPart(asset, 1)).toBe(true);
});
