// Proves testkit's Redis and S3 start on this machine without Docker, and that its fixtures are what they claim.
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { makeJpeg, pngClaimingDimensions, truncate } from '../src/fixtures';
import { startRedis, startRedisServer, uniquePrefix } from '../src/redis';
import { startS3 } from '../src/s3';

it('starts redis-server on a free port when REDIS_URL is unset and no Docker answers', async () => {
  const redis = await startRedis({ INGESTKIT_TEST_NO_DOCKER: '1' });
  const client = new Redis(redis.url);
  expect(await client.ping()).toBe('PONG');
  client.disconnect();
  await redis.stop();
});

it('uses REDIS_URL as given', async () => {
  const redis = await startRedis({ REDIS_URL: 'redis://example.invalid:6379' });
  expect(redis).toMatchObject({ url: 'redis://example.invalid:6379', source: 'env' });
});

it('keeps data across a SIGKILL with appendonly', async () => {
  const server = await startRedisServer({ appendonly: true });
  const client = new Redis(server.url, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  await client.set('k', 'v');
  await server.kill();
  const restarted = await startRedisServer({ port: server.port, dir: server.dir, appendonly: true });
  expect(await client.get('k')).toBe('v');
  client.disconnect();
  await restarted.stop();
});

it('starts an S3-compatible server with the default buckets', async () => {
  const s3 = await startS3();
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
  const { Buckets } = await client.send(new ListBucketsCommand({}));
  expect(Buckets?.map((bucket) => bucket.Name).sort()).toEqual(['ingestkit-assets', 'ingestkit-staging']);
  client.destroy();
  await s3.stop();
});

it('makes photo-like JPEGs and well-formed lying PNG headers', async () => {
  const jpeg = await makeJpeg({ width: 4000, height: 3000 });
  expect(jpeg.length).toBeGreaterThan(1_000_000);
  expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 4000, height: 3000 });
  expect(await sharp(await pngClaimingDimensions(30_000, 30_000), { limitInputPixels: false }).metadata()).toMatchObject({
    width: 30_000,
    height: 30_000,
  });
  expect(truncate(jpeg, 0.5).length).toBe(Math.floor(jpeg.length / 2));
  expect(uniquePrefix()).not.toBe(uniquePrefix());
});
