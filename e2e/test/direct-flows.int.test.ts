// Proves the browser and backend flows end to end to `ready` with the real gateway and worker composition: a token-authorised presigned PUT on the local store, a presigned POST into S3 staging completed by an S3 event, and jobs from a URL and from an S3 bucket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createS3Client, createS3Store } from '@ingestkit/storage';
import { makeJpeg, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(60_000);

const EVENTS_TOKEN = 'e2e-events-token-0123456789';
const auth = { authorization: `Bearer ${API_KEY}` };

let redis: TestRedis;
let s3: TestS3;
let imageServer: Server;
let imageUrl: string;
let jpeg: Buffer;

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: ['ingestkit-staging', 'ingestkit-assets', 'imports'] });
  jpeg = await makeJpeg({ width: 640, height: 480 });
  imageServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/camera/IMG_0001.jpg`;
});

afterAll(async () => {
  await new Promise((resolve) => imageServer.close(resolve));
  await s3.stop();
  await redis.stop();
});

const startStack = (env: Record<string, string>) =>
  startInProcessStack(redis.url, 'direct', { S3_EVENTS_TOKEN: EVENTS_TOKEN, ...env });

const post = (url: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('local staging (the embedded default)', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startStack({ FETCH_ALLOW_HOSTS: '127.0.0.1/32' });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('takes a browser upload with an upload token: presign, PUT, complete, ready', async () => {
    const { token } = (await (await post(`${stack.url}/v1/upload-tokens`, { folder: 'avatars' })).json()) as { token: string };
    const browser = { authorization: `Bearer ${token}` };
    const presigned = await post(
      `${stack.url}/v1/uploads/presign`,
      { fileName: 'me.jpg', contentType: 'image/jpeg', size: jpeg.length },
      browser,
    );
    expect(presigned.status).toBe(201);
    const { asset, upload } = (await presigned.json()) as {
      asset: { id: string };
      upload: { url: string; headers: Record<string, string> };
    };
    expect((await fetch(upload.url, { method: 'PUT', body: jpeg, headers: upload.headers })).status).toBe(204);
    expect((await post(`${stack.url}/v1/assets/${asset.id}/complete`, {}, browser)).status).toBe(202);
    const done = await stack.settled(asset.id);
    expect(done).toMatchObject({ status: 'ready', folder: 'avatars', original: { format: 'jpeg', width: 640, height: 480 } });
    expect((await fetch(done.output.url)).status).toBe(200);
  });

  it('ingests a URL job to ready', async () => {
    const accepted = await post(`${stack.url}/v1/jobs`, { source: { url: imageUrl } });
    expect(accepted.status).toBe(202);
    const { asset } = (await accepted.json()) as { asset: { id: string } };
    const done = await stack.settled(asset.id);
    expect(done).toMatchObject({ status: 'ready', fileName: 'IMG_0001.jpg', original: { bytes: jpeg.length } });
  });
});

describe('S3 staging', () => {
  let stack: InProcessStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    // The SDK takes credentials from the standard chain; s3rver accepts any.
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    stack = await startStack({
      STAGING_STORE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      SOURCE_BUCKETS: 'imports',
    });
  });
  afterAll(async () => {
    await stack.stop();
    process.env = saved;
  });

  it('takes a presigned POST form upload, completed by an S3 event, to ready', async () => {
    const presigned = await post(`${stack.url}/v1/uploads/presign`, {
      fileName: 'form.jpg',
      contentType: 'image/jpeg',
      size: jpeg.length,
      method: 'POST',
    });
    const { asset, upload } = (await presigned.json()) as {
      asset: { id: string; original: { key: string } };
      upload: { url: string; fields: Record<string, string> };
    };
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'form.jpg');
    expect((await fetch(upload.url, { method: 'POST', body: form })).status).toBeLessThan(300);
    const event = { Records: [{ eventName: 's3:ObjectCreated:Post', s3: { object: { key: asset.original.key } } }] };
    const notified = await post(`${stack.url}/v1/events/s3`, event, { authorization: `Bearer ${EVENTS_TOKEN}` });
    expect(await notified.json()).toMatchObject({ completed: [asset.id] });
    expect(await stack.settled(asset.id)).toMatchObject({ status: 'ready', original: { format: 'jpeg' } });
  });

  it('ingests a job from an allowed bucket to ready', async () => {
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    await createS3Store({ client, bucket: 'imports' }).put({ key: 'batch-1/photo.jpg', body: jpeg });
    const accepted = await post(`${stack.url}/v1/jobs`, { source: { bucket: 'imports', key: 'batch-1/photo.jpg' } });
    expect(accepted.status).toBe(202);
    const { asset } = (await accepted.json()) as { asset: { id: string } };
    expect(await stack.settled(asset.id)).toMatchObject({
      status: 'ready',
      fileName: 'photo.jpg',
      original: { bytes: jpeg.length },
    });
  });
});
