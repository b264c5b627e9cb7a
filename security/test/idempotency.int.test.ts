// Idempotency-Key storage is per upload token: one token replaying another's key (same API key) gets its own answer, never the other's.
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'idem');
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const presign = (token: string, key: string) =>
  fetch(`${stack.url}/v1/uploads/presign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 1000 }),
  });

it("gives token B its own answer when it replays token A's Idempotency-Key", async () => {
  const tokenA = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 2 });
  const tokenB = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 2 });
  const first = await presign(tokenA, 'shared-key-1');
  expect(first.status).toBe(201);
  const a = (await first.json()) as { asset: { id: string }; upload: { url: string } };

  const replayByB = await presign(tokenB, 'shared-key-1');
  expect(replayByB.status).toBe(201);
  expect(replayByB.headers.get('idempotent-replayed')).toBeNull();
  const b = (await replayByB.json()) as { asset: { id: string }; upload: { url: string } };
  expect(b.asset.id).not.toBe(a.asset.id);
  expect(b.upload.url).not.toBe(a.upload.url);

  // A's own retry still gets A's answer.
  const replayByA = await presign(tokenA, 'shared-key-1');
  expect(replayByA.headers.get('idempotent-replayed')).toBe('true');
  expect(((await replayByA.json()) as { asset: { id: string } }).asset.id).toBe(a.asset.id);
});

it('keeps the API key itself in its own namespace, apart from its tokens', async () => {
  const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 2 });
  const byToken = (await (await presign(token, 'shared-key-2')).json()) as { asset: { id: string } };
  const res = await fetch(`${stack.url}/v1/uploads/presign`, {
    method: 'POST',
    headers: { ...stack.apiKey(), 'content-type': 'application/json', 'idempotency-key': 'shared-key-2' },
    body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 1000 }),
  });
  expect(res.status).toBe(201);
  expect(((await res.json()) as { asset: { id: string } }).asset.id).not.toBe(byToken.asset.id);
});
