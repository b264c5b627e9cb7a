// Proves the presign → upload → complete flow on the local store: the gateway's own signed URLs are enforced (signature, expiry, single use, size, content) and completion is verified and idempotent.
import { Queue } from 'bullmq';
import { queueNames, stageJobId } from '@ingestkit/contracts';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { createLocalUploadSigner } from '@ingestkit/storage';
import { makeJpeg, makePdf, startRedis, type TestRedis } from '@ingestkit/testkit';
import { localUploadSecret } from '../src/http/signing-keys';
import { callJson, mintUploadToken, SIGNING_SECRET, startTestGateway, type TestGateway } from './harness';

let redis: TestRedis;
let gateway: TestGateway;
let jpeg: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  gateway = await startTestGateway({ redisUrl: redis.url, maxUploadBytes: 512 * 1024 });
  jpeg = await makeJpeg({ width: 64, height: 48 });
});

afterAll(async () => {
  await gateway.close();
  await redis.stop();
});

async function presign(body: Record<string, unknown>, auth?: string) {
  return callJson(gateway, 'POST', '/v1/uploads/presign', {
    body: { fileName: 'photo.jpg', contentType: 'image/jpeg', size: jpeg.length, ...body },
    ...(auth ? { auth } : {}),
  });
}

const put = (url: string, data: Buffer, contentType = 'image/jpeg') =>
  fetch(url, { method: 'PUT', body: data, headers: { 'content-type': contentType } });

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string } }).error;
}

it('presigns a PUT, takes the bytes once, and completes the asset into the queue', async () => {
  const token = await mintUploadToken(gateway, { folder: 'browser' });
  const signed = await presign({ tags: ['a', 'b'], metadata: { album: 'x' } }, token);
  expect(signed.status).toBe(201);
  const { asset, upload } = signed.body;
  expect(asset).toMatchObject({
    status: 'awaiting_upload',
    folder: 'browser',
    tags: ['a', 'b'],
    metadata: { album: 'x' },
    original: { key: `staging/${asset.id}/original`, bytes: jpeg.length, contentType: 'image/jpeg' },
  });
  expect(upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/jpeg' } });
  expect(upload.url.startsWith(`${gateway.url}/v1/local-uploads/staging/${asset.id}/original?`)).toBe(true);
  expect(Date.parse(upload.expiresAt) - Date.now()).toBeGreaterThan(890_000);

  const uploaded = await put(upload.url, jpeg);
  expect(uploaded.status).toBe(204);
  const again = await put(upload.url, jpeg);
  expect(again.status).toBe(403);
  expect(await errorOf(again)).toMatchObject({ code: 'url_already_used' });

  const completed = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`, { auth: token });
  expect(completed.status).toBe(202);
  expect(completed.body.asset).toMatchObject({ status: 'queued', original: { bytes: jpeg.length, format: 'jpeg' } });
  const queue = new Queue(queueNames.validate, { connection: { url: redis.url }, prefix: gateway.prefix });
  expect((await queue.getJob(stageJobId(asset.id, queueNames.validate)))?.data).toEqual({ version: 1, assetId: asset.id });
  await queue.close();

  const otherFolder = await mintUploadToken(gateway, { folder: 'elsewhere' });
  const outOfScope = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`, { auth: otherFolder });
  expect(outOfScope.status).toBe(403);
  expect(outOfScope.body.error.code).toBe('forbidden');

  const repeated = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`, { auth: token });
  expect(repeated.status).toBe(200);
  expect(repeated.body.asset).toEqual(completed.body.asset);
});

it('queues the validation a crash cut off when the client completes again, even after the janitor failed it (found by the chaos suite)', async () => {
  const registry = createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
  const queue = new Queue(queueNames.validate, { connection: { url: redis.url }, prefix: gateway.prefix });
  try {
    for (const janitorCameFirst of [false, true]) {
      const { asset, upload } = (await presign({})).body;
      expect((await put(upload.url, jpeg)).status).toBe(204);
      expect((await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`)).status).toBe(202);
      // What a gateway killed between `awaiting_upload → queued` and adding the job leaves: a queued asset, no job.
      const jobId = stageJobId(asset.id, queueNames.validate);
      await queue.remove(jobId);
      if (janitorCameFirst) {
        const error = { code: 'dependency_unavailable' as const, message: 'stranded', stage: 'upload' as const };
        expect(await registry.transition(asset.id, { from: ['queued'], to: 'failed', patch: { error } })).not.toBeNull();
      }
      const retried = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`);
      expect(retried.status).toBe(200);
      expect(retried.body.asset).toMatchObject({ id: asset.id, status: 'queued' });
      expect(retried.body.asset.error).toBeUndefined();
      expect((await queue.getJob(jobId))?.data).toEqual({ version: 1, assetId: asset.id });
    }
  } finally {
    await queue.close();
  }
});

it('takes a POST form upload on the local store too', async () => {
  const signed = await presign({ method: 'POST' });
  expect(signed.body.upload).toMatchObject({ method: 'POST', fields: {} });
  const form = new FormData();
  form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'photo.jpg');
  const uploaded = await fetch(signed.body.upload.url, { method: 'POST', body: form });
  expect(uploaded.status).toBe(204);
  const completed = await callJson(gateway, 'POST', `/v1/assets/${signed.body.asset.id}/complete`);
  expect(completed.body.asset.status).toBe('queued');
});

it('answers 409 upload_missing when completing before the bytes arrived, and the asset keeps waiting', async () => {
  const { asset } = (await presign({})).body;
  const res = await callJson(gateway, 'POST', `/v1/assets/${asset.id}/complete`);
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('upload_missing');
  expect((await callJson(gateway, 'GET', `/v1/assets/${asset.id}`)).body.asset.status).toBe('awaiting_upload');
});

it('refuses a tampered URL with 403 signature_invalid', async () => {
  const { asset, upload } = (await presign({})).body;
  const widened = new URL(upload.url);
  widened.searchParams.set('max', String(10 * jpeg.length));
  const other = new URL(upload.url);
  other.pathname = other.pathname.replace(asset.id, 'ast_AAAAAAAAAAAAAAAAAAAAAA');
  for (const url of [widened.href, other.href, upload.url.replace(/signature=[^&]+/, 'signature=forged')]) {
    const res = await put(url, jpeg);
    expect([url, res.status, (await errorOf(res)).code]).toEqual([url, 403, 'signature_invalid']);
  }
  expect(await gateway.staging.head(asset.original.key)).toBeNull();
});

it('refuses an expired URL with 403 url_expired', async () => {
  const { asset } = (await presign({})).body;
  const signer = createLocalUploadSigner({ baseUrl: gateway.url, secret: localUploadSecret(SIGNING_SECRET) });
  const expired = await signer.sign({
    key: asset.original.key,
    contentType: 'image/jpeg',
    bytes: jpeg.length,
    maxBytes: jpeg.length,
    method: 'PUT',
    expiresInSeconds: -5,
  });
  const res = await put(expired.url, jpeg);
  expect(res.status).toBe(403);
  expect(await errorOf(res)).toMatchObject({ code: 'url_expired' });
});

it('refuses bytes beyond the declared size with 413 and keeps nothing; the URL can be used again', async () => {
  const { asset, upload } = (await presign({ size: jpeg.length - 10 })).body;
  const res = await put(upload.url, jpeg);
  expect(res.status).toBe(413);
  expect(await gateway.staging.head(asset.original.key)).toBeNull();
  // A chunked body announces no length: the limit holds while streaming.
  const chunked = await fetch(upload.url, {
    method: 'PUT',
    headers: upload.headers,
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(jpeg);
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  expect(chunked.status).toBe(413);
  expect(await gateway.staging.head(asset.original.key)).toBeNull();
});

it('refuses a file that is not an image with 415, keeping nothing', async () => {
  const pdf = makePdf();
  const { asset, upload } = (await presign({ size: pdf.length })).body;
  const res = await put(upload.url, pdf);
  expect(res.status).toBe(415);
  expect(await gateway.staging.head(asset.original.key)).toBeNull();
});

it('refuses a declared size over the limit and a content type that is not an image', async () => {
  const big = await presign({ size: 512 * 1024 + 1 });
  expect(big.status).toBe(413);
  const pdf = await presign({ contentType: 'application/pdf' });
  expect(pdf.status).toBe(400);
  const token = await mintUploadToken(gateway, { maxBytes: 100 });
  expect((await presign({}, token)).status).toBe(413);
});

it('sanitises hostile file names, which never reach the storage key', async () => {
  for (const fileName of ['../../etc/passwd', 'a\u0000b\u0007c.jpg', `${'n'.repeat(296)}.jpg`]) {
    const { asset } = (await presign({ fileName })).body;
    expect(asset.fileName).toMatch(/^[\w.-]{1,200}$/);
    expect(asset.fileName.startsWith('.')).toBe(false);
    expect(asset.original.key).toBe(`staging/${asset.id}/original`);
  }
});

it('lists assets awaiting upload, newest first, page by page', async () => {
  const first = await callJson(gateway, 'GET', '/v1/assets?status=awaiting_upload&limit=2');
  expect(first.status).toBe(200);
  expect(first.body.assets).toHaveLength(2);
  expect(first.body.assets.every((a: { status: string }) => a.status === 'awaiting_upload')).toBe(true);
  const second = await callJson(gateway, 'GET', `/v1/assets?status=awaiting_upload&limit=2&cursor=${first.body.nextCursor}`);
  const firstIds = first.body.assets.map((a: { id: string }) => a.id);
  expect(second.body.assets.map((a: { id: string }) => a.id).some((id: string) => firstIds.includes(id))).toBe(false);
  expect(Date.parse(second.body.assets[0].createdAt)).toBeLessThanOrEqual(Date.parse(first.body.assets[1].createdAt));
  expect((await callJson(gateway, 'GET', '/v1/assets?status=nope')).status).toBe(400);
});
