// Proves the Uppy (Companion) S3 routes and the 6.x signRequest facade on the local store and on S3 (s3rver or MinIO): multipart and single-part uploads end queued, parts are listed and uploads aborted, the cap is enforced while parts stream (local) and at completion, tokens, unknown uploads and abandoned uploads are refused or cleaned up.
import { createS3Client, createS3MultipartUploads, createS3Store, createS3UploadSigner } from '@ingestkit/storage';
import { createRedisAssetRegistry } from '@ingestkit/registry';
import { createIngestQueues, createLogger, closeQueues } from '@ingestkit/runtime';
import { makeJpeg, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { createIntake } from '../src/intake/intake';
import { createMultipartSessions } from '../src/multipart/multipart-sessions';
import { createUploadTokens } from '../src/http/upload-token';
import { callJson, mintUploadToken, SIGNING_SECRET, startTestGateway, type TestGateway } from './harness';

const BUCKET = 'ingestkit-staging';
const MiB = 1024 * 1024;

let redis: TestRedis;
let s3: TestS3;
let image: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: [BUCKET] });
  // A JPEG padded past one 5 MiB part: decoders ignore bytes after the end marker.
  const jpeg = await makeJpeg({ width: 64, height: 48 });
  image = Buffer.concat([jpeg, Buffer.alloc(6 * MiB - jpeg.length, 7)]);
});
afterAll(async () => {
  await s3?.stop();
  await redis?.stop();
});

describe.each(['local', 's3'] as const)('Uppy S3 routes on the %s store', (kind) => {
  let gateway: TestGateway;
  let token: string;
  beforeAll(async () => {
    const staging =
      kind === 's3'
        ? (() => {
            const client = createS3Client(s3);
            return {
              store: createS3Store({ client, bucket: BUCKET }),
              signer: createS3UploadSigner({ client, bucket: BUCKET, bucketUrl: `${s3.endpoint}/${BUCKET}` }),
              multipart: createS3MultipartUploads({ client, bucket: BUCKET }),
            };
          })()
        : undefined;
    gateway = await startTestGateway({ redisUrl: redis.url, maxUploadBytes: 20 * MiB, staging });
    token = await mintUploadToken(gateway, { folder: 'uppy' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const create = (auth: string, base = '/v1/uppy', metadata: Record<string, unknown> = {}) =>
    callJson(gateway, 'POST', `${base}/s3/multipart`, {
      auth,
      body: { filename: '../evil name.jpg', type: 'image/jpeg', metadata: { name: 'x', ...metadata } },
    });
  const putPart = async (url: string, body: Buffer) => {
    const res = await fetch(url, { method: 'PUT', body });
    expect(res.status).toBe(200);
    return res.headers.get('etag')!;
  };
  const q = (key: string) => `key=${encodeURIComponent(key)}`;

  it('runs a multipart upload to a queued asset, token in the path', async () => {
    const base = `/v1/uppy/${token}`;
    const created = await create('none', base);
    expect(created.status).toBe(200);
    const { key, uploadId, assetId } = created.body;
    expect(key).toBe(`staging/${assetId}/original`);

    const batch = await callJson(gateway, 'GET', `${base}/s3/multipart/${uploadId}/batch?${q(key)}&partNumbers=1,2`, {
      auth: null,
    });
    expect(batch.status).toBe(200);
    const one = await callJson(gateway, 'GET', `${base}/s3/multipart/${uploadId}/2?${q(key)}`, { auth: null });
    expect(one.body).toEqual({ url: expect.any(String), expires: 900 });
    const etag1 = await putPart(batch.body.presignedUrls['1'], image.subarray(0, 5 * MiB));
    const etag2 = await putPart(one.body.url, image.subarray(5 * MiB));
    // What a resuming Uppy asks for: the parts stored so far, each with its size and ETag.
    const listed = await callJson(gateway, 'GET', `${base}/s3/multipart/${uploadId}?${q(key)}`, { auth: null });
    expect(listed).toMatchObject({ status: 200 });
    expect(listed.body).toEqual([
      { PartNumber: 1, Size: 5 * MiB, ETag: etag1 },
      { PartNumber: 2, Size: image.length - 5 * MiB, ETag: etag2 },
    ]);
    const parts = [
      { PartNumber: 1, ETag: etag1 },
      { PartNumber: 2, ETag: etag2 },
    ];
    const done = await callJson(gateway, 'POST', `${base}/s3/multipart/${uploadId}/complete?${q(key)}`, {
      auth: null,
      body: { parts },
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ location: `${gateway.url}/v1/assets/${assetId}`, key, assetId });
    const asset = (await callJson(gateway, 'GET', `/v1/assets/${assetId}`)).body.asset;
    expect(asset).toMatchObject({ status: 'queued', folder: 'uppy', original: { bytes: image.length, format: 'jpeg' } });
    expect(asset.fileName).not.toContain('/');
    // A retried completion answers the same.
    const again = await callJson(gateway, 'POST', `${base}/s3/multipart/${uploadId}/complete?${q(key)}`, {
      auth: null,
      body: { parts },
    });
    expect(again).toMatchObject({ status: 200, body: done.body });
  });

  it('serves a single-part POST upload (/s3/params) that completes like a presigned one', async () => {
    const small = await makeJpeg({ width: 32, height: 32 });
    const params = await callJson(
      gateway,
      'GET',
      '/v1/uppy/s3/params?filename=a.jpg&type=image%2Fjpeg&metadata%5Bcaption%5D=hi',
      {
        auth: token,
      },
    );
    expect(params.status).toBe(200);
    expect(params.body).toMatchObject({ method: 'POST', key: `staging/${params.body.assetId}/original` });
    const form = new FormData();
    for (const [name, value] of Object.entries(params.body.fields as Record<string, string>)) form.append(name, value);
    form.append('file', new Blob([small], { type: 'image/jpeg' }), 'a.jpg');
    const uploaded = await fetch(params.body.url, { method: 'POST', body: form });
    expect(uploaded.status).toBeLessThan(300);
    expect(uploaded.headers.get('etag')).toBeTruthy();
    const done = await callJson(gateway, 'POST', `/v1/assets/${params.body.assetId}/complete`, { auth: token });
    expect(done.status).toBe(202);
    expect(done.body.asset).toMatchObject({ status: 'queued', metadata: { caption: 'hi' } });
  });

  it('rejects a multipart upload over the cap at completion, and removes it', async () => {
    const capped = await mintUploadToken(gateway, { maxBytes: 5 * MiB + 100 });
    const { key, uploadId, assetId } = (await create(capped)).body;
    const sign = (n: number) => callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${uploadId}/${n}?${q(key)}`, { auth: capped });
    const etag1 = await putPart((await sign(1)).body.url, image.subarray(0, 5 * MiB));
    if (kind === 'local') {
      // The local store cuts the part that would cross the cap while it streams, keeping nothing of it.
      const cut = await fetch((await sign(2)).body.url, { method: 'PUT', body: image.subarray(5 * MiB) });
      expect(cut.status).toBe(413);
      expect(((await cut.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      const kept = await gateway.staging.list(`multipart/${uploadId}/parts/`);
      expect(kept.map((object) => object.key.split('/').pop())).toEqual(['00001', '00001.json']);
      return;
    }
    const etag2 = await putPart((await sign(2)).body.url, image.subarray(5 * MiB));
    const done = await callJson(gateway, 'POST', `/v1/uppy/s3/multipart/${uploadId}/complete?${q(key)}`, {
      auth: capped,
      body: {
        parts: [
          { PartNumber: 1, ETag: etag1 },
          { PartNumber: 2, ETag: etag2 },
        ],
      },
    });
    expect(done.status).toBe(413);
    expect(done.body.error.code).toBe('payload_too_large');
    expect(await gateway.staging.head(key)).toBeNull();
    expect(await gateway.staging.list(`multipart/${uploadId}/`)).toEqual([]);
    expect((await callJson(gateway, 'GET', `/v1/assets/${assetId}`)).body.asset).toMatchObject({
      status: 'rejected',
      error: { code: 'payload_too_large' },
    });
  });

  it('refuses bad tokens, unknown uploads, other keys, non-images and tokens outside their limits', async () => {
    expect((await create('ut1.forged.token')).status).toBe(401);
    const expired = createUploadTokens(SIGNING_SECRET).mint({
      kid: 'k',
      limits: {},
      expiresInSeconds: 60,
      now: new Date(Date.now() - 3600_000),
    }).token;
    expect((await create('none', `/v1/uppy/${expired}`)).status).toBe(401);
    expect((await create('none', '/v1/uppy/test-key')).status).toBe(401); // API keys never in URLs
    expect((await create(token, '/v1/uppy', { folder: 'elsewhere' })).body.error.code).toBe('forbidden');
    const pdf = await callJson(gateway, 'POST', '/v1/uppy/s3/multipart', {
      auth: token,
      body: { filename: 'a.pdf', type: 'application/pdf' },
    });
    expect(pdf).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });

    const a = (await create(token)).body;
    const b = (await create(token)).body;
    const unknown = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/nope/1?${q(a.key)}`, { auth: token });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const otherKey = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${a.uploadId}/1?${q(b.key)}`, { auth: token });
    expect(otherKey).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const badPart = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${a.uploadId}/0?${q(a.key)}`, { auth: token });
    expect(badPart.body.error.code).toBe('bad_request');
    const other = await mintUploadToken(gateway, { folder: 'other' });
    const foreign = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${a.uploadId}/1?${q(a.key)}`, { auth: other });
    expect(foreign.body.error.code).toBe('forbidden');
    if (kind === 'local') {
      const signed = (await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${a.uploadId}/1?${q(a.key)}`, { auth: token })).body
        .url as string;
      const tampered = signed.replace(/signature=[^&]+/, 'signature=AAAA');
      expect((await fetch(tampered, { method: 'PUT', body: 'x' })).status).toBe(403);
    }
  });

  it('signs 6.x signRequest calls with server keys, and refuses altered facade URLs and unknown uploads', async () => {
    const sign = (body: Record<string, unknown>, auth = token) => callJson(gateway, 'POST', '/v1/uppy/sign', { auth, body });
    const created = await sign({ method: 'POST', key: 'client-chosen/../name.jpg', contentType: 'image/jpeg' });
    expect(created.status).toBe(200);
    const key = created.body.key as string;
    expect(key).toMatch(/^staging\/ast_[A-Za-z0-9_-]{22}\/original$/);
    const init = await fetch(created.body.url, { method: 'POST' });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await init.text())?.[1];
    expect(uploadId).toBeTruthy();
    const part = await sign({ method: 'PUT', key, uploadId, partNumber: 1 });
    expect(part.status).toBe(200);
    const tampered = new URL(created.body.url);
    tampered.searchParams.set('key', 'staging/ast_AAAAAAAAAAAAAAAAAAAAAA/original');
    expect((await fetch(tampered, { method: 'POST' })).status).toBe(403);
    const unknown = await sign({ method: 'PUT', key, uploadId: 'nope', partNumber: 1 });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await sign({ method: 'DELETE', key: 'x.jpg' })).status).toBe(400);
    expect((await sign({ method: 'POST', key: 'x.jpg', contentType: 'image/jpeg' }, 'ut1.forged.token')).status).toBe(401);
  });

  it('lists parts and aborts through the 6.x signRequest facade, as S3 would answer', async () => {
    const sign = (body: Record<string, unknown>) => callJson(gateway, 'POST', '/v1/uppy/sign', { auth: token, body });
    const created = await sign({ method: 'POST', key: 'a.jpg', contentType: 'image/jpeg' });
    const key = created.body.key as string;
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await (await fetch(created.body.url, { method: 'POST' })).text())?.[1];
    const part = await sign({ method: 'PUT', key, uploadId, partNumber: 1 });
    const etag = await putPart(part.body.url, image.subarray(0, 5 * MiB));

    const list = await sign({ method: 'GET', key, uploadId });
    const listed = await fetch(list.body.url);
    expect(listed.status).toBe(200);
    const xml = await listed.text();
    expect(xml).toContain(
      `<Part><PartNumber>1</PartNumber><ETag>${etag.replace(/"/g, '&quot;')}</ETag><Size>${5 * MiB}</Size></Part>`,
    );
    expect(xml.match(/<Part>/g)).toHaveLength(1);

    const abort = await sign({ method: 'DELETE', key, uploadId });
    expect((await fetch(abort.body.url, { method: 'DELETE' })).status).toBe(204);
    await expect(gateway.multipart.listParts({ key, uploadId: uploadId! })).rejects.toMatchObject({ code: 'not_found' });
    expect((await fetch(list.body.url)).status).toBe(404);
  });

  it('aborts on DELETE and sweeps abandoned uploads', async () => {
    const a = (await create(token)).body;
    const signA = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${a.uploadId}/1?${q(a.key)}`, { auth: token });
    await putPart(signA.body.url, Buffer.from('part'));
    const aborted = await callJson(gateway, 'DELETE', `/v1/uppy/s3/multipart/${a.uploadId}?${q(a.key)}`, { auth: token });
    expect(aborted).toMatchObject({ status: 200, body: {} });
    expect((await callJson(gateway, 'GET', `/v1/assets/${a.assetId}`)).body.asset.status).toBe('rejected');
    // The store dropped the upload and its part, not only the gateway's session.
    await expect(gateway.multipart.listParts(a)).rejects.toMatchObject({ code: 'not_found' });
    const listAborted = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${a.uploadId}?${q(a.key)}`, { auth: token });
    expect(listAborted).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });

    const b = (await create(token)).body;
    const sign = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${b.uploadId}/1?${q(b.key)}`, { auth: token });
    await putPart(sign.body.url, Buffer.from('part'));
    const queues = createIngestQueues({ connection: gateway.redis, prefix: gateway.prefix });
    const registry = createRedisAssetRegistry({ redis: gateway.redis, prefix: gateway.prefix });
    const logger = createLogger({ name: 'test', level: 'silent' });
    const intake = createIntake({ registry, validateQueue: queues.validate, defaultDestination: 'local', logger });
    const sessions = createMultipartSessions({ ...gateway, registry, intake, logger });
    try {
      expect(await sessions.sweep(3600)).toBe(0); // not old enough
      expect(await sessions.sweep(1, Date.now() + 5_000)).toBeGreaterThanOrEqual(1); // b, and those left open above
    } finally {
      await closeQueues(queues);
    }
    expect((await callJson(gateway, 'GET', `/v1/assets/${b.assetId}`)).body.asset).toMatchObject({
      status: 'rejected',
      error: { code: 'upload_incomplete' },
    });
    const gone = await callJson(gateway, 'GET', `/v1/uppy/s3/multipart/${b.uploadId}/1?${q(b.key)}`, { auth: token });
    expect(gone.status).toBe(404);
    await expect(gateway.multipart.listParts(b)).rejects.toMatchObject({ code: 'not_found' });
    if (kind === 'local') expect(await gateway.staging.list(`multipart/${b.uploadId}/`)).toEqual([]);
  });
});
