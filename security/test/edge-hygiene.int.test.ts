// The edge's weaker spots: hostile metadata and folder names, cross-site admin requests, special-purpose addresses and /metrics are refused at intake.
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { ADMIN_KEY, startHostileStack, type HostileStack } from './harness/hostile-stack';

const METRICS_TOKEN = 'hostile-suite-metrics-token-0123456789';

let redis: TestRedis;
let stack: HostileStack;

beforeAll(async () => {
  redis = await startRedis();
  stack = await startHostileStack(redis.url, 'edge', { METRICS_TOKEN });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

/** `{"a":{"a":…}}`, `depth` objects deep, built as text (building it as an object would be the same). */
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** Over the 16 KiB metadata limit, under the 64 KiB JSON body limit of presign. */
const hugeJson = () => JSON.stringify({ blob: 'x'.repeat(20 * 1024) });
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('JSON metadata', () => {
  const metadataCases = [
    ['deep enough to overflow the stack', deepJson(5_000)],
    ['thousands of levels deep', deepJson(2_500)],
    ['a few dozen levels deep', deepJson(40)],
    ['over the size limit', hugeJson()],
  ] as const;

  it.each(metadataCases)('refuses metadata %s on the multipart upload with 400 bad_request', async (_name, metadata) => {
    const form = new FormData();
    form.set('metadata', metadata);
    form.set('file', new Blob([await makeJpeg({ width: 32, height: 32 })], { type: 'image/jpeg' }), 'a.jpg');
    const res = await fetch(`${stack.url}/v1/uploads`, { method: 'POST', headers: stack.apiKey(), body: form });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('bad_request');
  });

  it.each(metadataCases)('refuses metadata %s on presign, Uppy and jobs with 400 bad_request', async (_name, metadata) => {
    const token = await stack.mintToken({ maxBytes: 1_000_000, maxFiles: 5 });
    const asToken = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const requests: [string, Record<string, string>, string][] = [
      ['/v1/uploads/presign', asToken, `{"fileName":"a.jpg","contentType":"image/jpeg","size":1000,"metadata":${metadata}}`],
      ['/v1/uppy/s3/multipart', asToken, `{"filename":"a.jpg","type":"image/jpeg","metadata":{"m":${metadata}}}`],
      [
        '/v1/jobs',
        // With an Idempotency-Key, whose fingerprint serialises the body before any schema runs.
        { ...stack.apiKey(), 'content-type': 'application/json', 'idempotency-key': `deep-${metadata.length}` },
        `{"source":{"url":"https://images.example.test/a.jpg"},"metadata":${metadata}}`,
      ],
    ];
    for (const [path, headers, body] of requests) {
      const res = await fetch(`${stack.url}${path}`, { method: 'POST', headers, body });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(await errorCode(res)).toBe('bad_request');
    }
  });

  it('still accepts ordinary nested metadata', async () => {
    const res = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { ...stack.apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({
        fileName: 'a.jpg',
        contentType: 'image/jpeg',
        size: 1000,
        metadata: { camera: { make: 'X', lens: { focal: 35 } }, tags: ['a', 'b'] },
      }),
    });
    expect(res.status).toBe(201);
  });
});

describe('key lengths', () => {
  it('refuses a folder segment over 255 characters with 400 bad_request, on presign and on the multipart form', async () => {
    const folder = `ok/${'a'.repeat(256)}`;
    const presign = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { ...stack.apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 1000, folder }),
    });
    expect(presign.status).toBe(400);
    expect(await errorCode(presign)).toBe('bad_request');

    const form = new FormData();
    form.set('folder', folder);
    form.set('file', new Blob([await makeJpeg({ width: 32, height: 32 })], { type: 'image/jpeg' }), 'a.jpg');
    const upload = await fetch(`${stack.url}/v1/uploads`, { method: 'POST', headers: stack.apiKey(), body: form });
    expect(upload.status).toBe(400);
    expect(await errorCode(upload)).toBe('bad_request');
  });

  it('accepts a 255-character segment', async () => {
    const res = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { ...stack.apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'a.jpg', contentType: 'image/jpeg', size: 1000, folder: 'a'.repeat(255) }),
    });
    expect(res.status).toBe(201);
  });
});

describe('CSRF on the admin routes', () => {
  const basic = `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}`;
  const crossSite = { authorization: basic, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };

  it('refuses a cross-site POST to the bulk retry with cached Basic credentials', async () => {
    const res = await fetch(`${stack.url}/v1/admin/failed/retry`, {
      method: 'POST',
      headers: { ...crossSite, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('forbidden');
  });

  it('refuses a cross-site state change on Bull Board, and an Origin of another site without Sec-Fetch-Site', async () => {
    const resume = `${stack.url}/admin/queues/api/queues/resume`;
    expect((await fetch(resume, { method: 'PUT', headers: crossSite })).status).toBe(403);
    const oldBrowser = { authorization: basic, origin: 'https://evil.example' };
    expect((await fetch(resume, { method: 'PUT', headers: oldBrowser })).status).toBe(403);
  });

  it('keeps Bull Board usable from its own page, and scripts with a bearer key', async () => {
    const resume = `${stack.url}/admin/queues/api/queues/resume`;
    const sameOrigin = { authorization: basic, origin: stack.url, 'sec-fetch-site': 'same-origin' };
    expect((await fetch(resume, { method: 'PUT', headers: sameOrigin })).status).toBe(200);
    expect((await fetch(`${stack.url}/admin/queues/api/queues`, { headers: crossSite })).status).toBe(200);
    const script = await fetch(`${stack.url}/v1/admin/failed/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(script.status).toBe(202);
  });
});

describe('SSRF: special-purpose addresses', () => {
  it.each([
    '[::ffff:0:7f00:1]', // IPv4-translated (SIIT, RFC 6145): ::ffff:0:0:0/96
    '[::ffff:127.0.0.1]', // IPv4-mapped
    '[100:0:0:1::1]', // dummy IPv6 prefix (RFC 9780)
    '[2001:30::1]', // DRIP entity tags (RFC 9374)
    '[3fff::1]', // documentation (RFC 9637)
    '[5f00::1]', // SRv6 SIDs (RFC 9602)
    '192.31.196.1', // AS112 (RFC 7535)
    '192.52.193.1', // AMT (RFC 7450)
  ])('refuses a job URL on %s with source_forbidden', async (host) => {
    const res = await fetch(`${stack.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...stack.apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({ source: { url: `http://${host}/a.jpg` } }),
    });
    expect(res.status).toBe(202);
    const { asset } = (await res.json()) as { asset: { id: string } };
    const settled = await stack.settled(asset.id, 20_000);
    expect({ status: settled.status, code: settled.error?.code }).toEqual({ status: 'rejected', code: 'source_forbidden' });
  });
});

describe('/metrics', () => {
  it('needs the bearer token when one is configured, on the gateway and the worker', async () => {
    const worker = `http://127.0.0.1:${stack.env.WORKER_METRICS_PORT}`;
    for (const base of [stack.url, worker]) {
      const anonymous = await fetch(`${base}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const scraper = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraper.status).toBe(200);
      expect(await scraper.text()).toContain('process_cpu');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    }
  });
});
