// Proves the cross-cutting HTTP behaviour browsers and retrying clients rely on: CORS preflights, Idempotency-Key replay and conflicts, and per-key rate limits.
import { request } from 'node:http';
import { makePng, startRedis, type TestRedis } from '@ingestkit/testkit';
import { API_KEY, callJson, mintUploadToken, startTestGateway, type TestGateway } from './harness';

const ORIGIN = 'https://app.example';

let redis: TestRedis;
let gateway: TestGateway;
let limited: TestGateway;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url, settings: { cors: { origins: [ORIGIN] } } });
  limited = await startTestGateway({ redisUrl: redis.url, settings: { rateLimit: { perMinute: 3 } } });
});

afterAll(async () => {
  await gateway.close();
  await limited.close();
  await redis.stop();
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin without a key', async () => {
    const res = await fetch(`${gateway.url}/v1/uploads/presign`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag.*Location/);
  });

  it('adds CORS headers to answers for allowed origins only', async () => {
    const allowed = await callJson(gateway, 'GET', '/v1/assets', { headers: { origin: ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    const other = await callJson(gateway, 'GET', '/v1/assets', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('Idempotency-Key', () => {
  const presign = (key: string, size: number, auth?: string) =>
    callJson(gateway, 'POST', '/v1/uploads/presign', {
      body: { fileName: 'a.png', contentType: 'image/png', size },
      headers: { 'idempotency-key': key },
      ...(auth ? { auth } : {}),
    });

  it('replays the stored answer for the same key and body, and refuses another body with 409', async () => {
    const first = await presign('key-1', 100);
    expect(first.status).toBe(201);
    const replay = await presign('key-1', 100);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(`/v1/assets/${first.body.asset.id}`);
    const changed = await presign('key-1', 101);
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ code: 'idempotency_conflict', details: { reason: 'different_request' } });
  });

  it('keeps keys per caller and stores nothing for a failed request', async () => {
    const token = await mintUploadToken(gateway, { maxBytes: 50 });
    // The token counts against the API key that minted it: same caller, same key space.
    expect((await presign('key-2', 100, token)).status).toBe(413);
    const retried = await presign('key-2', 100);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const ttl = await gateway.redis.ttl((await gateway.redis.keys(`${gateway.prefix}:idempotency:*`))[0]!);
    expect(ttl).toBeGreaterThan(86_000);
  });

  it('gives a request retried after a crash lost its answer the asset its first try created, not a second one', async () => {
    const png = await makePng({ width: 8, height: 8 });
    const send = () => {
      const form = new FormData();
      form.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
      return fetch(`${gateway.url}/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': 'crash-1' },
        body: form,
      });
    };
    const assets = async () => (await gateway.redis.keys(`${gateway.prefix}:asset:*`)).length;
    const queued = () => gateway.redis.llen(`${gateway.prefix}:ingest.validate:wait`);
    const [assetsBefore, queuedBefore] = [await assets(), await queued()];
    const first = (await (await send()).json()) as { asset: { id: string } };
    // What a gateway killed between creating the asset and storing the answer leaves: the asset, no record.
    for (const key of await gateway.redis.keys(`${gateway.prefix}:idempotency:*`)) await gateway.redis.del(key);
    const retried = await send();
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(((await retried.json()) as { asset: { id: string } }).asset.id).toBe(first.asset.id);
    expect(await assets()).toBe(assetsBefore + 1);
    expect(await queued()).toBe(queuedBefore + 1);
  });

  it('answers 409 in_flight to a duplicate while the first request is still running', async () => {
    const png = await makePng({ width: 8, height: 8 });
    const boundary = 'xyz';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const headers = {
      authorization: `Bearer ${API_KEY}`,
      'idempotency-key': 'slow-1',
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + png.length + tail.length),
    };
    const slow = request(`${gateway.url}/v1/uploads`, { method: 'POST', headers });
    const answered = new Promise<number>((resolve) => slow.on('response', (res) => resolve(res.statusCode ?? 0)));
    slow.write(head);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const duplicate = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      headers,
      body: Buffer.concat([head, png, tail]),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('retry-after')).toBe('1');
    expect(((await duplicate.json()) as { error: { details: unknown } }).error.details).toEqual({ reason: 'in_flight' });
    slow.end(Buffer.concat([png, tail]));
    expect(await answered).toBe(202);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a key exceeds its requests per minute', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof callJson>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await callJson(limited, 'GET', '/v1/assets');
      statuses.push(last.status);
    }
    // Unless the minute turned over mid-loop, the fourth request is refused.
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    if (statuses[3] === 429) {
      expect(last!.body.error.code).toBe('rate_limited');
      const retryAfter = Number(last!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    } else {
      expect((await callJson(limited, 'GET', '/v1/assets')).status).toBe(200);
    }
  });

  it('limits each upload token on its own, not pooled with the key that minted it', async () => {
    // Tokens are stateless: one minted by the other gateway (same secret) is valid here.
    const token = await mintUploadToken(gateway);
    const window = () => Math.floor(Date.now() / 60_000);
    const startedIn = window();
    const keyStatuses: number[] = [];
    for (let i = 0; i < 4; i++) keyStatuses.push((await callJson(limited, 'GET', '/v1/assets')).status);
    const tokenStatuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await callJson(limited, 'POST', '/v1/assets/ast_AAAAAAAAAAAAAAAAAAAAAA/complete', { auth: token });
      tokenStatuses.push(res.status);
    }
    // Within one window: the key is over its limit, the token is not.
    if (window() === startedIn) expect(keyStatuses.at(-1)).toBe(429);
    expect(tokenStatuses).toEqual([404, 404, 404]);
    const fourth = await callJson(limited, 'POST', '/v1/assets/ast_AAAAAAAAAAAAAAAAAAAAAA/complete', { auth: token });
    expect([404, 429]).toContain(fourth.status);
  });
});
