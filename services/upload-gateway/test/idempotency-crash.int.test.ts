// Proves Idempotency-Key survives a gateway crash (found by the chaos suite: a gateway SIGKILLed
// mid-upload left its key claimed for 24 h, so the client's retry got 409 in_flight until it gave
// up): the claim is a lease the running request renews, and a 2xx is stored before it is sent.
import express from 'express';
import { createErrorHandler, createLogger, createRedis, listen, waitForRedis, type Redis } from '@ingestkit/runtime';
import { deletePrefix, startRedis, uniquePrefix, type TestRedis } from '@ingestkit/testkit';
import { createIdempotency } from '../src/http/idempotency';

const prefix = uniquePrefix('idem-crash');
let testRedis: TestRedis;
let redis: Redis;
let server: { url: string; close(): Promise<void> };
const releases: Array<() => void> = [];
const release = () => releases.splice(0).forEach((resolve) => resolve());

beforeAll(async () => {
  testRedis = await startRedis();
  redis = createRedis({ url: testRedis.url, role: 'producer' });
  // A producer connection fails fast until it is ready: the first request must not race it.
  await waitForRedis(redis, 5_000);
  const app = express();
  app.use((_req, res, next) => {
    res.locals.principal = { id: 'key:test', kind: 'apiKey' };
    next();
  });
  app.use(createIdempotency({ redis, prefix, leaseSeconds: 2 }));
  app.post('/slow', async (_req, res) => {
    await new Promise<void>((resolve) => releases.push(resolve));
    res.status(202).json({ ok: true });
  });
  app.post('/fast', (_req, res) => void res.status(202).json({ ok: true }));
  app.use(createErrorHandler(createLogger({ name: 'test', level: 'silent' })));
  server = await listen(app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  release();
  await server.close();
  await deletePrefix(testRedis.url, prefix);
  redis.disconnect();
  await testRedis.stop();
});

const post = (path: string, key: string) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'idempotency-key': key } });
const claims = async () => redis.keys(`${prefix}:idempotency:*`);

it('holds the claim while the request runs, renewing its short lease', async () => {
  const slow = post('/slow', 'long-running');
  while (releases.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 4_500));
  // Longer than the 2 s lease: still claimed because the running request renews it.
  expect((await post('/slow', 'long-running')).status).toBe(409);
  // A gateway killed now leaves a claim that frees itself within the lease (was 24 h).
  const [claim] = await claims();
  expect(await redis.ttl(claim!)).toBeLessThanOrEqual(2);
  release();
  expect((await slow).status).toBe(202);
  expect((await post('/slow', 'long-running')).headers.get('idempotent-replayed')).toBe('true');
});

it('has stored a 2xx answer by the time the client receives it', async () => {
  const answer = await post('/fast', 'stored-first');
  expect(answer.status).toBe(202);
  const stored = await Promise.all((await claims()).map((claim) => redis.get(claim)));
  expect(stored.map((raw) => JSON.parse(raw!).state)).toEqual(['done', 'done']);
});
