// Proves GET /v1/assets/:id/original end to end with the real gateway and worker: the exact uploaded bytes and their SHA-256 for a streamed and a direct upload, a presigned redirect on S3 with the storage class set, API keys only, clear codes when there is no kept original (off, expired, not delivered, unknown), and the worker's retention sweeper.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRetentionIndex } from '@ingestkit/ingest-worker';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { createRedis, waitForRedis } from '@ingestkit/runtime';
import { makeJpeg, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(60_000);

const auth = { authorization: `Bearer ${API_KEY}` };
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let redis: TestRedis;
let jpeg: Buffer;
beforeAll(async () => {
  redis = await startRedis();
  jpeg = await makeJpeg({ width: 640, height: 480 });
});
afterAll(async () => {
  await redis.stop();
});

/** A streamed upload (the gateway reads and hashes the bytes); the asset once settled. */
async function uploadStreamed(stack: InProcessStack, data: Buffer, fileName = 'IMG_0042.jpg') {
  const form = new FormData();
  form.append('file', new Blob([data], { type: 'image/jpeg' }), fileName);
  const res = await fetch(`${stack.url}/v1/uploads`, { method: 'POST', headers: auth, body: form });
  expect(res.status).toBe(202);
  const { asset } = (await res.json()) as { asset: { id: string } };
  return stack.settled(asset.id);
}

/** A direct upload (presign, PUT, complete: the gateway never reads the bytes); the asset once settled. */
async function uploadDirect(stack: InProcessStack, data: Buffer) {
  const post = (path: string, body: unknown) =>
    fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const presigned = await post('/v1/uploads/presign', { fileName: 'direct.jpg', contentType: 'image/jpeg', size: data.length });
  expect(presigned.status).toBe(201);
  const { asset, upload } = (await presigned.json()) as {
    asset: { id: string };
    upload: { url: string; headers: Record<string, string> };
  };
  expect((await fetch(upload.url, { method: 'PUT', body: data, headers: upload.headers })).status).toBeLessThan(300);
  expect((await post(`/v1/assets/${asset.id}/complete`, {})).status).toBe(202);
  return stack.settled(asset.id);
}

const getOriginal = (stack: InProcessStack, id: string, headers: Record<string, string> = auth) =>
  fetch(`${stack.url}/v1/assets/${id}/original`, { headers, redirect: 'manual' });

describe('originals on the local store (the default)', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack(redis.url, 'originals-local', {
      ORIGINALS_RETENTION_DAYS: '30',
      ORIGINALS_SWEEP_EVERY_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('serves the exact bytes of a streamed upload with their SHA-256, type and length, never cached', async () => {
    const asset = await uploadStreamed(stack, jpeg);
    expect(asset.status).toBe('ready');
    expect(asset.original.sha256).toBe(sha256(jpeg));
    const res = await getOriginal(stack, asset.id);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(jpeg)).toBe(true);
    expect(res.headers.get('ingest-original-sha256')).toBe(sha256(jpeg));
    expect(res.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(jpeg).digest('base64')}:`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(jpeg.length));
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-disposition')).toContain('filename="IMG_0042.jpg"');
    expect(existsSync(join(stack.dataDir, 'originals', asset.id, 'original'))).toBe(true);
  });

  it('serves the exact bytes of a direct upload, whose SHA-256 the worker computed', async () => {
    const data = await makeJpeg({ width: 300, height: 200 });
    const asset = await uploadDirect(stack, data);
    expect(asset.status).toBe('ready');
    expect(asset.original.sha256).toBe(sha256(data));
    const res = await getOriginal(stack, asset.id);
    expect(res.status).toBe(200);
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(data));
    expect(res.headers.get('ingest-original-sha256')).toBe(sha256(data));
  });

  it('refuses upload tokens (403 forbidden) and anonymous callers (401)', async () => {
    const asset = await uploadStreamed(stack, jpeg);
    const token = await stack.mintToken({});
    const refused = await getOriginal(stack, asset.id, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await getOriginal(stack, asset.id, {})).status).toBe(401);
  });

  it('answers 404 for an unknown asset and 409 original_unavailable before delivery', async () => {
    const unknown = await getOriginal(stack, 'ast_AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await getOriginal(stack, 'not-an-id')).status).toBe(404);
    const presigned = await fetch(`${stack.url}/v1/uploads/presign`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'later.jpg', contentType: 'image/jpeg', size: 1000 }),
    });
    const { asset } = (await presigned.json()) as { asset: { id: string } };
    const waiting = await getOriginal(stack, asset.id);
    expect(waiting.status).toBe(409);
    expect(((await waiting.json()) as { error: { code: string } }).error.code).toBe('original_unavailable');
  });

  it('forgets an original once its retention expired: the worker sweeps it, and the route answers 409', async () => {
    const asset = await uploadStreamed(stack, jpeg);
    const expiresAt: string = asset.original.retained.expiresAt;
    expect(Date.parse(expiresAt) - Date.parse(asset.original.retained.storedAt)).toBe(30 * 24 * 3600 * 1000);
    // Thirty days later, as far as the record and the index are concerned.
    const conn = createRedis({ url: redis.url, role: 'producer' });
    await waitForRedis(conn, 5_000);
    try {
      const registry = createRedisAssetRegistry({ redis: conn, prefix: stack.prefix });
      const past = new Date(Date.now() - 1000).toISOString();
      await registry.update(asset.id, {
        original: { ...asset.original, retained: { ...asset.original.retained, expiresAt: past } },
      });
      const index = createRetentionIndex({ redis: conn, prefix: stack.prefix });
      expect(await index.expiryOf(asset.id)).toBe(Date.parse(expiresAt));
      await index.add(asset.id, past);
      const deadline = Date.now() + 10_000;
      while ((await registry.get(asset.id))?.original?.retained && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect((await registry.get(asset.id))!.original).not.toHaveProperty('retained');
      expect(await index.expiryOf(asset.id)).toBeNull();
    } finally {
      conn.disconnect();
    }
    expect(existsSync(join(stack.dataDir, 'originals', asset.id, 'original'))).toBe(false);
    const res = await getOriginal(stack, asset.id);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('original_unavailable');
  });
});

describe('originals off', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack(redis.url, 'originals-off', { ORIGINALS_STORE: 'off' });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('keeps none: the asset is ready without a kept original and the route answers 409 original_unavailable', async () => {
    const asset = await uploadStreamed(stack, jpeg);
    expect(asset.status).toBe('ready');
    expect(asset.original).not.toHaveProperty('retained');
    expect(existsSync(join(stack.dataDir, 'originals'))).toBe(false);
    const res = await getOriginal(stack, asset.id);
    expect(res.status).toBe(409);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('original_unavailable');
    expect(error.message).toContain('ORIGINALS_STORE=off');
  });
});

describe('originals on S3', () => {
  let s3: TestS3;
  let stack: InProcessStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    s3 = await startS3({ buckets: ['ingestkit-staging', 'ingestkit-assets', 'kept-originals'] });
    // The SDK takes credentials from the standard chain; s3rver accepts any.
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    stack = await startInProcessStack(redis.url, 'originals-s3', {
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      ORIGINALS_STORE: 's3',
      ORIGINALS_S3_BUCKET: 'kept-originals',
      ORIGINALS_S3_PREFIX: 'originals/v1/',
      ORIGINALS_S3_STORAGE_CLASS: 'STANDARD_IA',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
    process.env = saved;
  });

  it('redirects to a short-lived presigned GET that serves the exact bytes, kept with the storage class', async () => {
    const asset = await uploadStreamed(stack, jpeg);
    expect(asset.status).toBe('ready');
    expect(asset.original.retained.key).toBe(`originals/v1/${asset.id}/original`);
    const res = await getOriginal(stack, asset.id);
    expect(res.status).toBe(302);
    expect(res.headers.get('ingest-original-sha256')).toBe(sha256(jpeg));
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(s3.endpoint);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    const followed = await fetch(location);
    expect(followed.status).toBe(200);
    expect(Buffer.from(await followed.arrayBuffer()).equals(jpeg)).toBe(true);

    // S3 answers a GET with the object's storage class when it is not STANDARD.
    expect(followed.headers.get('x-amz-storage-class')).toBe('STANDARD_IA');
    expect(followed.headers.get('content-type')).toBe('image/jpeg');
  });
});
