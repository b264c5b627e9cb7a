// Proves HEIC uploads through the real worker and its isolating image pool: photos at several sizes, one turned by irot (with an EXIF Orientation inside), one in Display P3, end `ready` as WebP with the right dimensions and luma SSIM ≥ 0.95 against heif-convert's decode; a damaged one ends `rejected` with a code while the others finish.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { createImagePool, ssim, type ImagePool } from '@ingestkit/imaging';
import { makeHeic, referenceDecodeHeic, startRedis, truncate, type TestRedis } from '@ingestkit/testkit';
import { startTestPipeline, type TestPipeline } from './harness';

let redis: TestRedis;
let pool: ImagePool;
let pipeline: TestPipeline;

beforeAll(async () => {
  redis = await startRedis();
  pool = createImagePool({ size: 2, maxMemoryMb: 1024, timeoutMs: 60_000 });
  pipeline = await startTestPipeline({ redisUrl: redis.url, images: pool });
});
afterAll(async () => {
  await pipeline.close();
  await pool.close();
  await redis.stop();
});

/** Luma SSIM of a delivered output against the reference decode resized to the output's size. */
async function similarity(output: Buffer, heic: Buffer): Promise<number> {
  const out = await sharp(output).withIccProfile('srgb').greyscale().raw().toBuffer({ resolveWithObject: true });
  const ref = await sharp(await referenceDecodeHeic(heic))
    .resize(out.info.width, out.info.height, { fit: 'fill' })
    .withIccProfile('srgb')
    .greyscale()
    .raw()
    .toBuffer();
  const size = { width: out.info.width, height: out.info.height };
  return ssim({ data: out.data, ...size }, { data: ref, ...size });
}

it('takes HEIC photos to ready, upright and matching the reference decode, and rejects a damaged one', async () => {
  const photos = [
    { name: 'small', heic: await makeHeic({ width: 320, height: 240, seed: 1 }), size: [320, 240] },
    { name: 'medium', heic: await makeHeic({ width: 1024, height: 768, seed: 2 }), size: [1024, 768] },
    {
      name: 'rotated',
      heic: await makeHeic({ width: 640, height: 480, seed: 3, exifOrientation: 6, transform: { rotateCcw: 270 } }),
      size: [480, 640],
    },
    { name: 'p3', heic: await makeHeic({ width: 640, height: 480, seed: 4, p3: true }), size: [640, 480] },
  ];
  const damaged = truncate(photos[0]!.heic, 0.6);
  const ids = await Promise.all(photos.map((photo) => pipeline.ingest(photo.heic, { fileName: `${photo.name}.heic` })));
  const damagedId = await pipeline.ingest(damaged, { fileName: 'damaged.heic' });

  const rejected = await pipeline.settled(damagedId, 60_000);
  expect(rejected).toMatchObject({ status: 'rejected', error: { code: 'corrupt_image' } });
  for (const [index, photo] of photos.entries()) {
    const asset = await pipeline.settled(ids[index]!, 120_000);
    expect(asset).toMatchObject({ status: 'ready', original: { format: 'heic' } });
    const [width, height] = photo.size;
    expect(asset.output).toMatchObject({ format: 'webp', contentType: 'image/webp', width, height });
    const output = await readFile(pipeline.staging.localPath(asset.output!.key)!);
    const metadata = await sharp(output).metadata();
    expect(metadata).toMatchObject({ format: 'webp', width, height });
    expect(metadata.exif).toBeUndefined();
    expect(metadata.icc).toBeUndefined(); // the delivery policy converts Display P3 to sRGB
    expect(await similarity(output, photo.heic)).toBeGreaterThanOrEqual(0.95);
  }
}, 300_000);
