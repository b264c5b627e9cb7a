// Attacks that held when the edge was first tried as an attacker would: they stay refused.
import { startRedis, type TestRedis } from '@ingestkit/testkit';
import { startHostileStack, ADMIN_KEY, type HostileStack } from './harness/hostile-stack';

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'held');
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

describe('login and credentials', () => {
  it('refuses a missing, unknown or forged credential with 401 unauthorized', async () => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 1 });
    const [payload] = token.slice('ut1.'.length).split('.');
    const forged = `ut1.${payload}.${'A'.repeat(43)}`;
    for (const authorization of [undefined, 'Bearer not-a-key', `Bearer ${forged}`]) {
      const res = await fetch(`${stack.url}/v1/uploads`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('refuses an upload token on routes that need an API key', async () => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 1 });
    for (const [method, path] of [
      ['GET', '/v1/assets/ast_AAAAAAAAAAAAAAAAAAAAAA'],
      ['POST', '/v1/upload-tokens'],
      ['POST', '/v1/purge'],
    ]) {
      const res = await fetch(`${stack.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    }
  });

  it('keeps the admin routes to the admin key', async () => {
    const asApiKey = await fetch(`${stack.url}/v1/admin/failed`, { headers: stack.apiKey() });
    expect([401, 403]).toContain(asApiKey.status);
    const asAdmin = await fetch(`${stack.url}/v1/admin/failed`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(asAdmin.status).toBe(200);
  });
});

describe('path traversal', () => {
  it.each(['../etc', 'a/../../b', 'a//b', '..', 'a/./b'])('refuses the folder %j with 400 bad_request', async (folder) => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 1 });
    const res = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 1000, folder }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });
});

it('serves an honest client from its production entries', async () => {
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
});
