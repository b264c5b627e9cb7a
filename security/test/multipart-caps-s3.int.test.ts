// Proves the byte caps on S3 staging (s3rver, or MinIO with Docker): part lists are checked before CompleteMultipartUpload, declared part sizes are held to the remaining cap and signed into the URL, and undeclared parts are relayed through the gateway, which cuts them at the cap while they stream.
import { randomBytes } from 'node:crypto';
import { createS3Client, createS3MultipartUploads, createS3Store } from '@ingestkit/storage';
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

/** Bytes of the parts S3 holds for an open upload (ListParts). */
async function partBytes(up: { key: string; uploadId: string }): Promise<number> {
  const client = createS3Client(s3);
  try {
    const parts = await createS3MultipartUploads({ client, bucket: STAGING }).listParts(up);
    return parts.reduce((sum, part) => sum + part.bytes, 0);
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

it('relays an undeclared part through the gateway, which cuts it at the cap while it streams: S3 never holds more', async () => {
  const client = await attacker();
  const up = await client.create();
  // Undeclared: a presigned UploadPart could not bound it, so the URL is the gateway's own.
  const signed = await client.sign(up, 1);
  expect(signed.status).toBe(200);
  expect(new URL(signed.body.url as string).origin).toBe(new URL(stack.url).origin);
  const tooBig = await client.put(signed.body.url as string, await imageOf(1_500_000));
  expect(tooBig.status).toBe(413);
  expect(code(tooBig)).toBe('payload_too_large');
  expect(await partBytes(up)).toBe(0);
  // Within the cap it is stored as an S3 part, and the upload completes.
  const part = await client.upload(up, 1, await imageOf(600_000));
  expect(part.status).toBe(200);
  // The cap counts across parts, declared or not.
  const second = await client.upload(up, 2, await imageOf(500_000));
  expect(second.status).toBe(413);
  expect(await partBytes(up)).toBeLessThanOrEqual(CAP);
  const done = await client.complete(up, [{ PartNumber: 1, ETag: etagOf(part) }]);
  expect(done.status).toBe(200);
  expect(await stack.settled(up.assetId)).toMatchObject({ status: 'ready', original: { bytes: 600_000 } });
});

it('refuses a relayed part that does not say its length (S3 needs it up front)', async () => {
  const client = await attacker();
  const up = await client.create();
  const signed = await client.sign(up, 1);
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(1000));
      controller.close();
    },
  });
  const res = await fetch(signed.body.url as string, { method: 'PUT', body, duplex: 'half' } as RequestInit);
  expect(res.status).toBe(411);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('length_required');
});

it('keeps serving honest clients', async () => {
  expect(await stack.honestUpload()).toEqual({ status: 202, assetStatus: 'ready' });
});
