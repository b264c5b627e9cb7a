// Proves the three stages take a staged original to `ready` (local and S3 destinations) or to `rejected` with the right code, and clean staging.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { createS3Client, createS3Store } from '@ingestkit/storage';
import {
  makeJpeg,
  makeText,
  pngClaimingDimensions,
  startRedis,
  startS3,
  truncate,
  type TestRedis,
  type TestS3,
} from '@ingestkit/testkit';
import { createStoreDestination, IMMUTABLE_CACHE_CONTROL } from '../src/destinations/store-destination';
import { LOCAL_PUBLIC_URL, startTestPipeline, type TestPipeline } from './harness';

const ASSETS_BUCKET = 'ingestkit-assets';

let redis: TestRedis;
let s3: TestS3;
let pipeline: TestPipeline;
const s3Client = () =>
  createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3({ buckets: [ASSETS_BUCKET] });
  pipeline = await startTestPipeline({
    redisUrl: redis.url,
    destinations: {
      s3: createStoreDestination({
        kind: 's3',
        store: createS3Store({ client: s3Client(), bucket: ASSETS_BUCKET }),
        publicUrl: `${s3.endpoint}/${ASSETS_BUCKET}`,
      }),
    },
  });
});

afterAll(async () => {
  await pipeline.close();
  await s3.stop();
  await redis.stop();
});

it('optimizes a 4000×3000 JPEG with EXIF to a smaller image inside 2000×2000 without EXIF, delivered locally', async () => {
  const input = await makeJpeg({ width: 4000, height: 3000, exif: true });
  const id = await pipeline.ingest(input, { fileName: 'Big Photo.jpg' });
  const asset = await pipeline.settled(id, 60_000);

  expect(asset.status).toBe('ready');
  expect(asset.original).toMatchObject({ format: 'jpeg', width: 4000, height: 3000, bytes: input.length });
  const output = asset.output!;
  expect(output.key).toBe(`assets/${id}/Big-Photo.${output.format === 'jpeg' ? 'jpg' : output.format}`);
  // Versioned by content: the first 16 hex digits of the delivered bytes' SHA-256.
  const digest = createHash('sha256')
    .update(await readFile(pipeline.staging.localPath(output.key)!))
    .digest('hex');
  expect(output.url).toBe(`${LOCAL_PUBLIC_URL}/${output.key}?v=${digest.slice(0, 16)}`);
  const delivered = await sharp(pipeline.staging.localPath(output.key)!).metadata();
  expect(delivered.width).toBeLessThanOrEqual(2000);
  expect(delivered.height).toBeLessThanOrEqual(2000);
  expect(Math.max(delivered.width!, delivered.height!)).toBe(2000);
  expect(delivered.exif).toBeUndefined();
  expect(output.bytes).toBeLessThan(input.length);
  expect(Object.keys(asset.timings).sort()).toEqual(['deliver', 'optimize', 'validate']);
  expect(await pipeline.stagedAfterCleanup(id)).toEqual([]);
});

it('overwrites <folder>/<name> locally when asked: same key, the bytes of the second upload, a new ?v= URL', async () => {
  const options = { fileName: 'logo.jpg', folder: 'brand', overwrite: true };
  const first = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 300, height: 200 }), options));
  const second = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 200, height: 100 }), options));
  expect([first.status, second.status]).toEqual(['ready', 'ready']);
  expect(second.output!.key).toBe(first.output!.key);
  expect(first.output!.key).toMatch(/^assets\/brand\/logo\.\w+$/);
  expect(second.output!.url).not.toBe(first.output!.url);
  expect((await sharp(pipeline.staging.localPath(second.output!.key)!).metadata()).width).toBe(200);
});

it('delivers to S3 under a deterministic key with Content-Type and an immutable Cache-Control', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 800, height: 600 }), { destination: 's3', fileName: 'cat.jpg' });
  const asset = await pipeline.settled(id);
  expect(asset.status).toBe('ready');
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: ASSETS_BUCKET, Key: asset.output!.key }));
  expect(head.ContentType).toBe(asset.output!.contentType);
  expect(head.CacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
  const object = await s3Client().send(new GetObjectCommand({ Bucket: ASSETS_BUCKET, Key: asset.output!.key }));
  const body = Buffer.from(await object.Body!.transformToByteArray());
  expect((await sharp(body).metadata()).width).toBe(800);
  const digest = createHash('sha256').update(body).digest('hex');
  expect(asset.output!.url).toBe(`${s3.endpoint}/${ASSETS_BUCKET}/${asset.output!.key}?v=${digest.slice(0, 16)}`);
});

it.each([
  {
    label: 'a truncated JPEG',
    make: async () => truncate(await makeJpeg({ width: 1200, height: 900 }), 0.5),
    code: 'corrupt_image',
  },
  {
    label: 'a PNG whose header claims 30000×30000',
    make: () => pngClaimingDimensions(30_000, 30_000),
    code: 'pixel_limit_exceeded',
  },
  { label: 'a text file (a direct upload the gateway never sniffed)', make: () => makeText(), code: 'unsupported_media_type' },
])('rejects $label with $code and removes it from staging', async ({ make, code }) => {
  const id = await pipeline.ingest(await make());
  const asset = await pipeline.settled(id);
  expect(asset.status).toBe('rejected');
  expect(asset.error).toMatchObject({ code, stage: 'validate' });
  expect(asset.output).toBeUndefined();
  expect(await pipeline.stagedAfterCleanup(id)).toEqual([]);
});
