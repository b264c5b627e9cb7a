// Proves presigned PUT and POST uploads into S3 staging (s3rver or MinIO): the POST policy pins bucket, key, type and size, completion verifies what arrived, and S3 events complete uploads idempotently.
import {
  createS3Client,
  createS3MultipartUploads,
  createS3Store,
  createS3UploadSigner,
  decodeS3PostPolicy,
  type ObjectStore,
} from '@ingestkit/storage';
import { makeJpeg, makePdf, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { callJson, startTestGateway, type TestGateway } from './harness';

const BUCKET = 'ingestkit-staging';
const MAX_UPLOAD_BYTES = 512 * 1024;
const EVENTS_TOKEN = 'minio-events-token-0123456789';

let redis: TestRedis;
let s3: TestS3;
let gateway: TestGateway;
let staging: ObjectStore;
let jpeg: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: [BUCKET] });
  const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
  staging = createS3Store({ client, bucket: BUCKET });
  gateway = await startTestGateway({
    redisUrl: redis.url,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    staging: {
      store: staging,
      signer: createS3UploadSigner({ client, bucket: BUCKET, bucketUrl: `${s3.endpoint}/${BUCKET}` }),
      multipart: createS3MultipartUploads({ client, bucket: BUCKET }),
    },
    settings: { s3Events: { token: EVENTS_TOKEN } },
  });
  jpeg = await makeJpeg({ width: 64, height: 48 });
});

afterAll(async () => {
  await gateway.close();
  await s3.stop();
  await redis.stop();
});

const presign = (body: Record<string, unknown>) =>
  callJson(gateway, 'POST', '/v1/uploads/presign', {
    body: { fileName: 'photo.jpg', contentType: 'image/jpeg', size: jpeg.length, ...body },
  });

const complete = (id: string) => callJson(gateway, 'POST', `/v1/assets/${id}/complete`);

it('presigns a PUT signed for the declared type and size, and completes what arrived', async () => {
  const { asset, upload } = (await presign({})).body;
  const url = new URL(upload.url);
  expect(url.pathname).toBe(`/${BUCKET}/staging/${asset.id}/original`);
  expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
    expect.arrayContaining(['content-length', 'content-type', 'host']),
  );
  expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(900);
  const uploaded = await fetch(upload.url, { method: 'PUT', body: jpeg, headers: upload.headers });
  expect(uploaded.status).toBe(200);
  const completed = await complete(asset.id);
  expect(completed.status).toBe(202);
  expect(completed.body.asset).toMatchObject({ status: 'queued', original: { bytes: jpeg.length, format: 'jpeg' } });
});

it('presigns a POST policy pinning bucket, exact key, content type and content-length-range', async () => {
  const { asset, upload } = (await presign({ method: 'POST' })).body;
  expect(upload).toMatchObject({ method: 'POST', url: `${s3.endpoint}/${BUCKET}` });
  expect(upload.fields).toMatchObject({ key: `staging/${asset.id}/original`, 'Content-Type': 'image/jpeg' });
  const policy = decodeS3PostPolicy(upload.fields.Policy);
  expect(policy.conditions).toEqual(
    expect.arrayContaining([
      { bucket: BUCKET },
      { key: `staging/${asset.id}/original` },
      { 'Content-Type': 'image/jpeg' },
      ['content-length-range', 1, jpeg.length],
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': upload.fields['x-amz-credential'] },
      { 'x-amz-date': upload.fields['x-amz-date'] },
    ]),
  );
  expect(policy.conditions.some((c) => Array.isArray(c) && c[0] === 'starts-with')).toBe(false);
  expect(Math.abs(Date.parse(policy.expiration) - Date.parse(upload.expiresAt))).toBeLessThan(1000);
  expect(upload.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);

  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields as Record<string, string>)) form.append(name, value);
  form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'photo.jpg');
  const uploaded = await fetch(upload.url, { method: 'POST', body: form });
  expect(uploaded.status).toBeLessThan(300);
  expect((await complete(asset.id)).body.asset.status).toBe('queued');
});

it('rejects an upload larger than declared at completion and removes the object', async () => {
  const { asset, upload } = (await presign({ size: 1000 })).body;
  // s3rver does not enforce the signed Content-Length (S3 and MinIO do): the gateway must.
  await staging.put({ key: asset.original.key, body: jpeg });
  expect(upload.method).toBe('PUT');
  const res = await complete(asset.id);
  expect(res.status).toBe(413);
  expect(res.body.error).toMatchObject({ code: 'payload_too_large', details: { declaredBytes: 1000, storedBytes: jpeg.length } });
  expect(await staging.head(asset.original.key)).toBeNull();
  expect((await callJson(gateway, 'GET', `/v1/assets/${asset.id}`)).body.asset).toMatchObject({
    status: 'rejected',
    error: { code: 'payload_too_large', stage: 'upload' },
  });
});

it('rejects an upload that is not an image at completion, by its first bytes, and removes it', async () => {
  const pdf = makePdf();
  const { asset } = (await presign({ size: pdf.length })).body;
  await staging.put({ key: asset.original.key, body: pdf, contentType: 'image/jpeg' });
  const res = await complete(asset.id);
  expect(res.status).toBe(415);
  expect(res.body.error.code).toBe('unsupported_media_type');
  expect(await staging.head(asset.original.key)).toBeNull();
  expect((await callJson(gateway, 'GET', `/v1/assets/${asset.id}`)).body.asset.status).toBe('rejected');
});

it('completes uploads from S3/MinIO object-created events, once, ignoring keys outside staging', async () => {
  const { asset } = (await presign({})).body;
  await staging.put({ key: asset.original.key, body: jpeg });
  const event = {
    Records: [
      {
        eventName: 's3:ObjectCreated:Put',
        s3: { bucket: { name: BUCKET }, object: { key: asset.original.key, size: jpeg.length } },
      },
      { eventName: 's3:ObjectCreated:Put', s3: { object: { key: 'assets/elsewhere.jpg' } } },
      { eventName: 's3:ObjectCreated:Put', s3: { object: { key: 'staging/%E0%A4%A/original' } } },
    ],
  };
  const unauthenticated = await callJson(gateway, 'POST', '/v1/events/s3', { body: event, auth: 'wrong-token' });
  expect(unauthenticated.status).toBe(401);
  const first = await callJson(gateway, 'POST', '/v1/events/s3', { body: event, auth: EVENTS_TOKEN });
  expect(first.status).toBe(200);
  expect(first.body).toEqual({ completed: [asset.id], ignored: 2, errors: [] });
  const redelivered = await callJson(gateway, 'POST', '/v1/events/s3', {
    body: event,
    auth: null,
    headers: { authorization: EVENTS_TOKEN },
  });
  expect(redelivered.body).toEqual({ completed: [], ignored: 3, errors: [] });
  const byClient = await complete(asset.id);
  expect(byClient.status).toBe(200);
  expect(byClient.body.asset.status).toBe('queued');
});
