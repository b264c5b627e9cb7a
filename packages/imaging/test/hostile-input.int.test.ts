// Proves each hostile file of issue 4's "Bad input" list, and each validation limit, is refused by probeImage with its own error code, before it costs memory.
import type { ErrorCode } from '@ingestkit/contracts';
import sharp from 'sharp';
import {
  makeDecompressionBomb,
  makeGif,
  makeHostileSvg,
  makeJpeg,
  makePng,
  pngClaimingDimensions,
  truncate,
  withJpegMetadata,
} from '@ingestkit/testkit';
import {
  configureSharp,
  createPolicyRegistry,
  defaultImagingLimits,
  optimizeImage,
  probeImage,
  type ImagingLimits,
} from '../src';

const limits: ImagingLimits = defaultImagingLimits;

beforeAll(() => {
  configureSharp();
});

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'accepted'> {
  try {
    await promise;
    return 'accepted';
  } catch (err) {
    return (err as { code: ErrorCode }).code;
  }
}

describe('probeImage refuses hostile input', () => {
  it('a PNG whose header claims 30000×30000: pixel_limit_exceeded', async () => {
    expect(await codeOf(probeImage(await pngClaimingDimensions(30_000, 30_000), limits))).toBe('pixel_limit_exceeded');
  });

  it('a real 900 MP decompression bomb (a valid, all-black PNG): pixel_limit_exceeded from the header, fast', async () => {
    const bomb = makeDecompressionBomb();
    expect(bomb.length).toBeLessThan(200_000);
    const started = performance.now();
    const error = await probeImage(bomb, limits).catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'pixel_limit_exceeded',
      details: { width: 30_000, height: 30_000, pixels: 900_000_000 },
    });
    expect(performance.now() - started).toBeLessThan(1000);
    // it really is a bomb: under a limit high enough, the header is accepted and decoding proceeds
    const small = makeDecompressionBomb(3000, 3000);
    await expect(probeImage(small, limits)).resolves.toMatchObject({ format: 'png', width: 3000, height: 3000 });
  });

  it('a truncated JPEG: corrupt_image', async () => {
    expect(await codeOf(probeImage(truncate(await makeJpeg({ width: 640, height: 480 }), 0.5), limits))).toBe('corrupt_image');
  });

  it('a GIF with 500 frames: frame_limit_exceeded (the default cap is 250), though its pixels fit', async () => {
    const gif = await makeGif({ width: 8, height: 8, frames: 500 });
    const error = await probeImage(gif, limits).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'frame_limit_exceeded', details: { pages: 500, maxInputFrames: 250 } });
    await expect(probeImage(gif, { ...limits, maxInputFrames: 500 })).resolves.toMatchObject({ pages: 500 });
  });

  it('an SVG with a script and an external reference: unsupported_media_type (SVG is never loaded)', async () => {
    expect(await codeOf(probeImage(makeHostileSvg(), limits))).toBe('unsupported_media_type');
  });

  it('a zero-byte file: unsupported_media_type', async () => {
    expect(await codeOf(probeImage(Buffer.alloc(0), limits))).toBe('unsupported_media_type');
  });

  it('an input format this deployment does not accept: unsupported_media_type, by content', async () => {
    const png = await makePng({ width: 32, height: 32 });
    const error = await probeImage(png, { ...limits, allowedFormats: ['jpeg', 'webp'] }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'unsupported_media_type', details: { format: 'png' } });
  });

  it('a progressive JPEG over the progressive pixel cap: pixel_limit_exceeded, while a baseline one of the same size passes', async () => {
    const baseline = await makeJpeg({ width: 200, height: 100 });
    const progressive = await sharp(baseline).jpeg({ progressive: true }).toBuffer();
    const capped = { ...limits, maxProgressivePixels: 10_000 };
    await expect(probeImage(baseline, capped)).resolves.toMatchObject({ isProgressive: false });
    const error = await probeImage(progressive, capped).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'pixel_limit_exceeded', details: { progressive: true } });
  });
});

describe('JPEG metadata', () => {
  it('under the cap: accepted, and the optimized output carries none of it', async () => {
    const jpeg = withJpegMetadata(await makeJpeg({ width: 320, height: 240, exif: true }), 8); // ≈ 512 KiB
    const info = await probeImage(jpeg, limits);
    const out = await optimizeImage(jpeg, info, createPolicyRegistry().resolve({ name: 'default', destination: 's3' }), limits);
    expect(out.bytes).toBeLessThan(jpeg.length / 10);
    const meta = await sharp(out.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
  });

  it('over the cap: metadata_too_large, counted from segment lengths', async () => {
    const jpeg = withJpegMetadata(await makeJpeg({ width: 64, height: 48 }), 20); // ≈ 1.25 MiB
    const error = await probeImage(jpeg, limits).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'metadata_too_large', details: { maxMetadataBytes: 1024 * 1024 } });
    await expect(probeImage(jpeg, { ...limits, maxMetadataBytes: 2 * 1024 * 1024 })).resolves.toMatchObject({ format: 'jpeg' });
  });
});
