// Proves the worker's image isolation end to end: with the child-process pool, an image that exhausts its memory cap ends `rejected` with resource_limit_exceeded while an innocent image ingested at the same time ends `ready`.
import sharp from 'sharp';
import { createImagePool, type ImagePool } from '@ingestkit/imaging';
import { makeJpeg, startRedis, type TestRedis } from '@ingestkit/testkit';
import { startTestPipeline, type TestPipeline } from './harness';

let redis: TestRedis;
let pool: ImagePool;
let pipeline: TestPipeline;

beforeAll(async () => {
  redis = await startRedis();
  pool = createImagePool({ size: 2, maxMemoryMb: 320, timeoutMs: 30_000 });
  // progressive JPEGs up to 100 MP pass validation here, so only the memory cap can stop the hungry one
  pipeline = await startTestPipeline({
    redisUrl: redis.url,
    images: pool,
    limits: { maxProgressivePixels: 100_000_000, maxInputPixels: 100_000_000 },
  });
});
afterAll(async () => {
  await pipeline.close();
  await pool.close();
  await redis.stop();
});

it('rejects the image that exhausts its child memory, and finishes the innocent one beside it', async () => {
  // 9000×9000 progressive: libjpeg holds ≈ 490 MB of DCT coefficients, over the 320 MB cap
  const hungry = await sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#3a6' } })
    .jpeg({ progressive: true, quality: 50 })
    .toBuffer();
  const [hungryId, innocentId] = await Promise.all([
    pipeline.ingest(hungry),
    pipeline.ingest(await makeJpeg({ width: 1200, height: 800, quality: 95 })),
  ]);
  const [bad, good] = await Promise.all([pipeline.settled(hungryId, 30_000), pipeline.settled(innocentId, 30_000)]);
  expect(bad).toMatchObject({ status: 'rejected', error: { code: 'resource_limit_exceeded' } });
  expect(good.status).toBe('ready');
  expect(good.output!.variants!.length).toBeGreaterThan(0);
});
