// Proves {bucket, key} job sources are read only from allowed buckets, within the byte cap, and that a missing object is a permanent source_failed.
import type { Readable } from 'node:stream';
import { createS3Client, createS3Store, type S3Client } from '@ingestkit/storage';
import { startS3, type TestS3 } from '@ingestkit/testkit';
import { fetchS3Object } from '../src/sources/fetch-s3-object';

let s3: TestS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3({ buckets: ['imports', 'private'] });
  client = createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
  await createS3Store({ client, bucket: 'imports' }).put({ key: 'a/photo.jpg', body: Buffer.alloc(2048, 7) });
  await createS3Store({ client, bucket: 'private' }).put({ key: 'secret.jpg', body: Buffer.alloc(10, 1) });
});

afterAll(async () => {
  await s3.stop();
});

const read = async (body: Readable) => Buffer.concat(await body.toArray());

it('reads an object of an allowed bucket', async () => {
  const opened = await fetchS3Object({ client, buckets: ['imports'], maxBytes: 4096 }, { bucket: 'imports', key: 'a/photo.jpg' });
  expect(await read(opened.body)).toEqual(Buffer.alloc(2048, 7));
});

it('refuses a bucket outside SOURCE_BUCKETS with source_forbidden, even one the credentials can read', async () => {
  await expect(
    fetchS3Object({ client, buckets: ['imports'], maxBytes: 4096 }, { bucket: 'private', key: 'secret.jpg' }),
  ).rejects.toMatchObject({ code: 'source_forbidden' });
});

it('refuses an object over the byte cap with source_too_large, and a missing one with source_failed', async () => {
  await expect(
    fetchS3Object({ client, buckets: ['imports'], maxBytes: 1024 }, { bucket: 'imports', key: 'a/photo.jpg' }),
  ).rejects.toMatchObject({ code: 'source_too_large' });
  await expect(
    fetchS3Object({ client, buckets: ['imports'], maxBytes: 4096 }, { bucket: 'imports', key: 'a/missing.jpg' }),
  ).rejects.toMatchObject({ code: 'source_failed', retryable: false });
});
