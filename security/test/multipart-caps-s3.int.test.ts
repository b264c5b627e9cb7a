// Proves the byte caps on S3 staging (s3rver, or MinIO with Docker): part lists are checked before CompleteMultipartUpload, declared part sizes are held to the remaining cap and signed into the URL, and the completed object is checked where the store cannot list parts.
import { randomBytes } from 'node:crypto';
import { createS3Client, createS3Store } from '@ingestkit/storage';
import { makeJpeg, startRedis, startS3, type TestRedis, type TestS3 } from '@ingestkit/testkit';
import { startHostileStack, type HostileStack } from './harness/hostile-stack';
import { multipartClient, type Answer } from './harness/multipart-client';

const CAP = 1_000_000;
const STAGING = 'ingestkit-staging';

let redis: TestRedis;
let s3: TestS3;
let stack: HostileStack;
const saved = { ...process.env };

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: [STAGING, 'ingestkit-assets'] });
  // The SDK takes credentials from the standard chain; s3rver accepts any.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  stack = await startHostileStack(redis.url, 'parts-s3', {
    STAGING_STORE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
  });
});
afterAll(async () => {
  await stack?.stop();
  await s3?.stop();
  await redis?.stop();
  process.env = saved;
});

const attacker = async () => multipartClient(stack, await stack.mintToken({ maxBytes: CAP, maxFiles: 1 }));
const code = (answer: Answer) => answer.body?.error?.code as string | undefined;
const etagOf = (answer: Answer) => answer.headers.get('etag') ?? '';

/** Bytes of the objects under staging/ in the bucket (assembled uploads; S3 keeps unfinished parts apart). */
async function bucketBytes(): Promise<number> {
  const client = createS3Client(s3);
  try {
    const objects = await createS3Store({ client, bucket: STAGING }).list('staging/');
    return objects.reduce((sum, object) => sum + object.bytes, 0);
  } finally {
    client.destroy();
  }
}

async function imageOf(bytes: number): Promise<Buffer> {
  const jpeg = await makeJpeg({ width: 32, height: 32 });
  return Buffer.concat([jpeg, Buffer.alloc(bytes - jpeg.length, 7)]);
}

it('signs a declared part size into the URL, and refuses declared sizes past the remaining cap with 413', async () => {
  const client = await attacker();
  const up = await client.create();
  const first = await client.sign(up, 1, 600_000);
  expect(first.status).toBe(200);
  // The size is part of the signature: S3 refuses any other Content-Length (SignatureDoesNotMatch).
  expect(new URL(first.body.url as string).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
  const over = await client.sign(up, 2, 600_000);
  expect(over.status).toBe(413);
  expect(code(over)).toBe('payload_too_large');
  expect((await client.sign(up, 2, 400_000)).status).toBe(200);
  // Re-signing part 1 smaller does not free its 600 kB: the first URL still accepts them.
  expect((await client.sign(up, 1, 100)).status).toBe(200);
  expect((await client.sign(up, 3, 1000)).status).toBe(413);
  if (s3.kind === 'minio') {
    // s3rver checks no signatures; MinIO (like S3) does.
    const longer = await client.put(first.body.url as string, randomBytes(700_000));
    expect(longer.status).toBe(403);
  }
});

it('refuses duplicate and out-of-order part lists with 400 before CompleteMultipartUpload', async () => {
  const client = await attacker();
  const up = await client.create();
  const part = await client.upload(up, 1, await imageOf(300_000));
  expect(part.status).toBe(200);
  const before = await bucketBytes();
  const duplicated = await client.complete(
    up,
    Array.from({ length: 100 }, () => ({ PartNumber: 1, ETag: etagOf(part) })),
  );
  expect(duplicated.status).toBe(400);
  expect(code(duplicated)).toBe('bad_request');
  const unordered = await client.complete(up, [
    { PartNumber: 2, ETag: etagOf(part) },
    { PartNumber: 1, ETag: etagOf(part) },
  ]);
  expect(unordered.status).toBe(400);
  expect(code(unordered)).toBe('bad_request');
  expect(await bucketBytes()).toBe(before);
  // The honest list still completes.
  const done = await client.complete(up, [{ PartNumber: 1, ETag: etagOf(part) }]);
  expect(done.status).toBe(200);
  expect(await stack.settled(up.assetId)).toMatchObject({ status: 'ready', original: { bytes: 300_000 } });
});

it('checks the completed object against the cap where the store cannot list parts, and removes it', async () => {
  const client = await attacker();
  const up = await client.create();
  // Undeclared: the URL cannot bound it, so the cap is enforced at completion.
  const part = await client.upload(up, 1, await imageOf(1_500_000));
  expect(part.status).toBe(200);
  const done = await client.complete(up, [{ PartNumber: 1, ETag: etagOf(part) }]);
  expect(done.status).toBe(413);
  expect(code(done)).toBe('payload_too_large');
  expect(await stack.asset(up.assetId)).toMatchObject({ status: 'rejected', error: { code: 'payload_too_large' } });
  expect(await bucketBytes()).toBeLessThanOrEqual(CAP);
});

it('keeps serving honest clients', async () => {
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
});
