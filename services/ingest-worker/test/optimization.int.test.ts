// Proves the optimization engine through the real pipeline (Redis, local stores): variants, placeholder and colour on the asset and delivered beside the output, policy names and overrides, and each hostile file of issue 4 rejected with its own code while innocent jobs beside it finish.
import sharp from 'sharp';
import {
  makeDecompressionBomb,
  makeGif,
  makeHostileSvg,
  makeJpeg,
  makePng,
  pngClaimingDimensions,
  startRedis,
  truncate,
  withJpegMetadata,
  type TestRedis,
} from '@ingestkit/testkit';
import { startTestPipeline, type TestPipeline } from './harness';

let redis: TestRedis;
let pipeline: TestPipeline;

beforeAll(async () => {
  redis = await startRedis();
  pipeline = await startTestPipeline({
    redisUrl: redis.url,
    policies: { thumbs: { kind: 'delivery', maxWidth: 300, maxHeight: 300, quality: 60, variantWidths: [100] } },
  });
});
afterAll(async () => {
  await pipeline.close();
  await redis.stop();
});

const delivered = (key: string) => sharp(pipeline.staging.localPath(key)!).metadata();

it('delivers the output, its responsive variants, a placeholder and the dominant colour under the default policy', async () => {
  const id = await pipeline.ingest(await makeJpeg({ width: 1600, height: 1200, quality: 95, exif: true }), {
    fileName: 'Beach.jpg',
  });
  const asset = await pipeline.settled(id, 30_000);
  expect(asset.status).toBe('ready');
  const output = asset.output!;
  expect(output).toMatchObject({ policy: 'delivery', format: 'webp', width: 1600, height: 1200 });
  expect(output.quality).toBeGreaterThanOrEqual(20);
  expect(output.placeholder).toMatch(/^data:image\/webp;base64,/);
  expect(output.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  expect((await delivered(output.key)).exif).toBeUndefined();

  const variants = output.variants!;
  expect(variants.map((variant) => variant.width)).toEqual([320, 480, 640, 960, 1440]);
  for (const variant of variants) {
    expect(variant.key).toBe(`assets/${id}/Beach-${variant.width}w.webp`);
    expect(variant.url).toMatch(new RegExp(`^http://files\\.test/files/${variant.key}\\?v=[0-9a-f]{16}$`));
    expect(await delivered(variant.key)).toMatchObject({ format: 'webp', width: variant.width, height: variant.height });
  }
  expect(await pipeline.stagedAfterCleanup(id)).toEqual([]);
});

it('uses a configured policy by name, and bounded overrides', async () => {
  const named = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 900, height: 600 }), { policy: 'thumbs' }));
  expect(named.output).toMatchObject({ policy: 'thumbs', width: 300, height: 200, quality: 60 });
  expect(named.output!.variants!.map((variant) => variant.width)).toEqual([100, 200]);

  const overridden = await pipeline.settled(
    await pipeline.ingest(await makePng({ width: 900, height: 600 }), {
      overrides: { format: 'jpeg', quality: 70, maxWidth: 450 },
    }),
  );
  expect(overridden.output).toMatchObject({ format: 'jpeg', quality: 70, width: 450, height: 300 });
  expect(await delivered(overridden.output!.key)).toMatchObject({
    format: 'jpeg',
    isProgressive: true,
    chromaSubsampling: '4:2:0',
  });
});

it('rejects an unknown policy with policy_unknown before decoding', async () => {
  const asset = await pipeline.settled(await pipeline.ingest(await makeJpeg({ width: 64, height: 48 }), { policy: 'nope' }));
  expect(asset).toMatchObject({ status: 'rejected', error: { code: 'policy_unknown', stage: 'validate' } });
});

it('rejects each hostile file with its own code while innocent images ingested at the same time end ready', async () => {
  const hostile = [
    { data: await pngClaimingDimensions(30_000, 30_000), code: 'pixel_limit_exceeded' },
    { data: makeDecompressionBomb(), code: 'pixel_limit_exceeded' },
    { data: truncate(await makeJpeg({ width: 800, height: 600 }), 0.5), code: 'corrupt_image' },
    { data: await makeGif({ width: 8, height: 8, frames: 500 }), code: 'frame_limit_exceeded' },
    { data: makeHostileSvg(), code: 'unsupported_media_type', fileName: 'logo.svg' },
    { data: Buffer.from('<html><body>not an image</body></html>'), code: 'unsupported_media_type', fileName: 'photo.jpg' },
    { data: Buffer.alloc(0), code: 'unsupported_media_type' },
    { data: withJpegMetadata(await makeJpeg({ width: 64, height: 48 }), 20), code: 'metadata_too_large' },
  ];
  const innocent = [await makeJpeg({ width: 640, height: 480, seed: 2 }), await makeJpeg({ width: 480, height: 640, seed: 3 })];
  const ids = await Promise.all([
    ...hostile.map((file) => pipeline.ingest(file.data, { fileName: file.fileName ?? 'upload.jpg' })),
    ...innocent.map((data) => pipeline.ingest(data)),
  ]);
  const assets = await Promise.all(ids.map((id) => pipeline.settled(id, 30_000)));
  hostile.forEach((file, index) => {
    expect([index, assets[index]!.status, assets[index]!.error?.code]).toEqual([index, 'rejected', file.code]);
  });
  for (const asset of assets.slice(hostile.length)) expect(asset.status).toBe('ready');
});

it('takes content over a lying extension, and strips huge metadata under the cap', async () => {
  const png = await pipeline.settled(
    await pipeline.ingest(await makePng({ width: 200, height: 100 }), { fileName: 'photo.jpg' }),
  );
  expect(png).toMatchObject({ status: 'ready', original: { format: 'png' } });

  const heavy = withJpegMetadata(await makeJpeg({ width: 320, height: 240, exif: true }), 6);
  const stripped = await pipeline.settled(await pipeline.ingest(heavy));
  expect(stripped.status).toBe('ready');
  const meta = await delivered(stripped.output!.key);
  expect(meta.exif).toBeUndefined();
  expect(stripped.output!.bytes).toBeLessThan(heavy.length / 10);
});
