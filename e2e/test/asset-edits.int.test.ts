// Proves edits and duplicates through the real gateway and worker composition, with S3 staging (s3rver or MinIO) and the ImageKit emulator: PATCH with ETags reaches the file's tags at ImageKit; a dedupe streamed upload answers the existing asset; a dedupe presigned PUT into S3 staging ends rejected `duplicate`; a policy's dedupe default applies.
import { createHash } from 'node:crypto';
import { startEmulator, type Emulator } from '@ingestkit/imagekit-emulator';
import { createS3Client, createS3Store } from '@ingestkit/storage';
import { makeJpeg, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { API_KEY, startInProcessStack, type InProcessStack } from './in-process-stack';

jest.setTimeout(90_000);

const auth = { authorization: `Bearer ${API_KEY}` };
const keys = { privateKey: 'private_e2e_edit', publicKey: 'public_e2e_edit' };

let redis: TestRedis;
let s3: TestS3;
let emulator: Emulator;
let stack: InProcessStack;
let jpeg: Buffer;
const saved = { ...process.env };

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: ['ingestkit-staging', 'ingestkit-assets'] });
  emulator = await startEmulator({ ...keys, port: 0 });
  jpeg = await makeJpeg({ width: 320, height: 240, seed: 21 });
  // The SDK takes credentials from the standard chain; s3rver accepts any.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  stack = await startInProcessStack(redis.url, 'edits', {
    STAGING_STORE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    IMAGEKIT_PRIVATE_KEY: keys.privateKey,
    IMAGEKIT_PUBLIC_KEY: keys.publicKey,
    IMAGEKIT_URL_ENDPOINT: emulator.urlEndpoint,
    IMAGEKIT_BASE_URL: emulator.url,
    POLICIES_JSON: JSON.stringify({ policies: { thumbs: { kind: 'delivery', maxWidth: 200, dedupe: true } } }),
  });
});
afterAll(async () => {
  await stack.stop();
  await emulator.close();
  await s3.stop();
  await redis.stop();
  process.env = saved;
});

function upload(fields: Record<string, string>, data = jpeg) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([data], { type: 'image/jpeg' }), 'photo.jpg');
  return fetch(`${stack.url}/v1/uploads`, { method: 'POST', body: form, headers: auth });
}

const idOf = async (res: Response) => ((await res.json()) as { asset: { id: string } }).asset.id;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('edits an ImageKit asset with If-Match and brings its file at ImageKit along', async () => {
  const created = await upload({ destination: 'imagekit', tags: 'draft', metadata: JSON.stringify({ album: 'a' }) });
  expect(created.status).toBe(202);
  const id = await idOf(created);
  expect((await stack.settled(id)).status).toBe('ready');
  const read = await fetch(`${stack.url}/v1/assets/${id}`, { headers: auth });
  const etag = read.headers.get('etag')!;
  const edit = (ifMatch: string) =>
    fetch(`${stack.url}/v1/assets/${id}`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/merge-patch+json', 'if-match': ifMatch },
      body: JSON.stringify({ tags: ['published'], metadata: { album: null, year: 2026 } }),
    });
  const edited = await edit(etag);
  expect(edited.status).toBe(200);
  expect(edited.headers.get('etag')).not.toBe(etag);
  expect((await edit(etag)).status).toBe(412);
  const file = await waitFor('the file at ImageKit to carry the new tags', async () => {
    const found = emulator.files().find((candidate) => candidate.name.includes(id));
    const version = found?.versions.find((v) => v.versionId === found.currentVersionId);
    return version?.tags?.join() === 'published' ? version : undefined;
  });
  expect(file.customMetadata).toMatchObject({ year: 2026 });
  expect(file.customMetadata).not.toHaveProperty('album');
});

it('answers a dedupe streamed upload with the existing asset and keeps nothing in S3 staging', async () => {
  const first = await upload({ folder: 'e2e-dupes', dedupe: 'true', destination: 's3' });
  expect(first.status).toBe(202);
  const id = await idOf(first);
  const second = await upload({ folder: 'e2e-dupes', dedupe: 'true', destination: 's3' });
  expect(second.status).toBe(200);
  expect(second.headers.get('ingest-duplicate-of')).toBe(id);
  expect(await idOf(second)).toBe(id);
  const staging = createS3Store({
    client: createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials }),
    bucket: 'ingestkit-staging',
  });
  const listed = await staging.list('staging/');
  expect(listed.every((object) => !object.key.includes('/original') || object.key.includes(id))).toBe(true);
  expect((await stack.settled(id)).status).toBe('ready');
});

it('rejects a dedupe presigned upload into S3 staging as duplicate, after the worker hashed it', async () => {
  const first = await upload({ folder: 'e2e-direct', policy: 'thumbs' });
  const original = await stack.settled(await idOf(first));
  expect(original).toMatchObject({
    status: 'ready',
    dedupe: true,
    original: { sha256: createHash('sha256').update(jpeg).digest('hex') },
  });
  const presigned = await fetch(`${stack.url}/v1/uploads/presign`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      fileName: 'again.jpg',
      contentType: 'image/jpeg',
      size: jpeg.length,
      folder: 'e2e-direct',
      policy: 'thumbs',
    }),
  });
  expect(presigned.status).toBe(201);
  const { asset, upload: put } = (await presigned.json()) as {
    asset: { id: string; dedupe?: boolean };
    upload: { url: string; headers: Record<string, string> };
  };
  expect(asset.dedupe).toBe(true);
  expect((await fetch(put.url, { method: 'PUT', body: jpeg, headers: put.headers })).status).toBeLessThan(300);
  const completed = await fetch(`${stack.url}/v1/assets/${asset.id}/complete`, { method: 'POST', headers: auth });
  expect(completed.status).toBe(202);
  expect(await stack.settled(asset.id)).toMatchObject({
    status: 'rejected',
    error: { code: 'duplicate', details: { assetId: original.id } },
  });
});
