// Proves the S3 store keeps every ObjectStore promise against a real S3-compatible server (MinIO, else s3rver) and normalises SDK errors.
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type TestS3, startS3 } from '@ingestkit/testkit';
import { createObjectStore, createS3Client, createS3Store } from '../src';
import { describeObjectStoreConformance } from './object-store.conformance';

const BUCKET = 'ingestkit-staging';

describeObjectStoreConformance('s3', async () => {
  const s3 = await startS3({ buckets: [BUCKET] });
  const store = createObjectStore({ driver: 's3', bucket: BUCKET, ...s3 });
  return { store, teardown: () => s3.stop() };
});

describe('s3 store specifics', () => {
  let s3: TestS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3({ buckets: [BUCKET] });
    client = createS3Client(s3);
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('is kind s3 and has no local path', () => {
    const store = createS3Store({ client, bucket: BUCKET });
    expect(store.kind).toBe('s3');
    expect(store.localPath('a/b.jpg')).toBeUndefined();
  });

  it('stores content type and cache control', async () => {
    const store = createS3Store({ client, bucket: BUCKET });
    await store.put({
      key: 'typed/photo.webp',
      body: Buffer.from('RIFF....WEBP'),
      contentType: 'image/webp',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(await store.head('typed/photo.webp')).toMatchObject({ contentType: 'image/webp', bytes: 12 });
    const raw = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'typed/photo.webp' }));
    expect(raw.CacheControl).toBe('public, max-age=31536000, immutable');
  });

  it('reports a missing bucket as storage_error, not as a missing object', async () => {
    const store = createS3Store({ client, bucket: 'no-such-bucket' });
    await expect(store.ping()).rejects.toMatchObject({ name: 'IngestError', code: 'storage_error' });
    await expect(store.get('some/key')).rejects.toMatchObject({ code: 'storage_error' });
    await expect(store.put({ key: 'some/key', body: Buffer.from('x') })).rejects.toMatchObject({ code: 'storage_error' });
  });

  it('fails ping with storage_error when nothing answers at the endpoint', async () => {
    const dead = createS3Client({ ...s3, endpoint: 'http://127.0.0.1:9' });
    try {
      const store = createS3Store({ client: dead, bucket: BUCKET });
      const err = await store.ping().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'IngestError', code: 'storage_error' });
      expect((err as Error).cause).toBeDefined();
    } finally {
      dead.destroy();
    }
  });
});
