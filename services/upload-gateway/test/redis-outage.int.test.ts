// Proves that with Redis down the gateway answers /readyz 503 and uploads 503 dependency_unavailable without crashing, and recovers when Redis returns.
import { makePng, startRedisServer, type RedisServerProcess } from '@ingestkit/testkit';
import { postUpload, startTestGateway, type TestGateway } from './harness';

let server: RedisServerProcess;
let gateway: TestGateway;
let limited: TestGateway;

beforeAll(async () => {
  server = await startRedisServer({ appendonly: true });
  gateway = await startTestGateway({ redisUrl: server.url });
  // Rate limits and idempotency keys read Redis before the route runs.
  limited = await startTestGateway({ redisUrl: server.url, settings: { rateLimit: { perMinute: 600 } } });
});

afterAll(async () => {
  await gateway.close();
  await limited.close();
  await server.stop();
});

async function readyStatus(): Promise<number> {
  return (await fetch(`${gateway.url}/readyz`)).status;
}

it('answers 503 while Redis is down and recovers when it returns', async () => {
  const png = await makePng({ width: 16, height: 16 });
  expect(await readyStatus()).toBe(200);
  expect((await postUpload(gateway, { files: [{ data: png }] })).status).toBe(202);

  await server.kill();
  const ready = await fetch(`${gateway.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({
    status: 'unavailable',
    checks: expect.arrayContaining([expect.objectContaining({ name: 'redis', ok: false })]),
  });

  const refused = await postUpload(gateway, { files: [{ data: png }] });
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ error: { code: 'dependency_unavailable' } });
  // Found by the chaos suite: the rate limiter's Redis error escaped as a 500 internal_error.
  const throughLimiter = await postUpload(limited, { files: [{ data: png }] });
  expect(throughLimiter.status).toBe(503);
  expect(throughLimiter.body).toMatchObject({ error: { code: 'dependency_unavailable', details: { dependency: 'redis' } } });
  expect(throughLimiter.headers.get('retry-after')).toBe('1');
  expect(await gateway.staging.list('staging/')).toHaveLength(1);
  expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

  const restarted = await startRedisServer({ port: server.port, dir: server.dir, appendonly: true });
  server = {
    ...restarted,
    stop: async () => {
      await restarted.stop();
    },
  };
  const deadline = Date.now() + 15_000;
  while ((await readyStatus()) !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await readyStatus()).toBe(200);
  const accepted = await postUpload(gateway, { files: [{ data: png }] });
  expect(accepted.status).toBe(202);
  // The asset written before the outage survived the crash through the append-only file.
  expect(await gateway.redis.keys(`${gateway.prefix}:asset:*`)).toHaveLength(2);
});
