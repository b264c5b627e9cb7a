// Proves optimizeImage outputs oriented, boxed, metadata-free sRGB images, keeps animation, and never grows an image that needs no change.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeAvif, makeBitmapPng, makeGif, makeJpeg, makePng, makeTiff, truncate } from '@ingestkit/testkit';
import {
  configureSharp,
  defaultImagingLimits,
  defaultPolicy,
  optimizeImage,
  probeImage,
  type ImageInput,
  type OptimizePolicy,
} from '../src';

const limits = defaultImagingLimits;
let dir: string;

beforeAll(async () => {
  configureSharp();
  dir = await mkdtemp(join(tmpdir(), 'imaging-optimize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function optimize(input: ImageInput, policy: OptimizePolicy = defaultPolicy) {
  return optimizeImage(input, await probeImage(input, limits), policy, limits);
}

describe('optimizeImage', () => {
  it('shrinks a 4000×3000 camera JPEG into 2000×2000 WebP without EXIF, in sRGB', async () => {
    const original = await makeJpeg({ width: 4000, height: 3000, exif: true });
    expect(original.length).toBeGreaterThan(1_000_000);
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const path = join(dir, 'camera.jpg');
    await writeFile(path, original);

    const out = await optimize(path);

    expect(out).toMatchObject({ format: 'webp', contentType: 'image/webp', width: 2000, height: 1500, isOriginal: false });
    expect(out.bytes).toBe(out.data.length);
    expect(out.bytes).toBeLessThan(original.length);
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 2000, height: 1500, space: 'srgb' });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    await expect(sharp(out.data, { failOn: 'warning' }).stats()).resolves.toBeDefined();
  });

  it('applies EXIF orientation 6 (dimensions swap) and drops the tag', async () => {
    const original = await makeJpeg({ width: 600, height: 400, orientation: 6 });
    const out = await optimize(original);
    expect(out).toMatchObject({ width: 400, height: 600, isOriginal: false });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ width: 400, height: 600 });
    expect(meta.orientation).toBeUndefined();
  });

  it('fits the box after orientation', async () => {
    const out = await optimize(await makeJpeg({ width: 3000, height: 1000, orientation: 8 }));
    expect(out).toMatchObject({ width: 667, height: 2000 });
  });

  it('never enlarges', async () => {
    const out = await optimize(await makeJpeg({ width: 120, height: 80 }));
    expect(out.width).toBe(120);
    expect(out.height).toBe(80);
  });

  it('returns an already-optimal PNG unchanged', async () => {
    const original = await makeBitmapPng();
    const out = await optimize(original);
    expect(out).toMatchObject({ isOriginal: true, format: 'png', contentType: 'image/png', width: 64, height: 64 });
    expect(out.bytes).toBe(original.length);
    expect(out.data.equals(original)).toBe(true);
    const path = join(dir, 'bitmap.png');
    await writeFile(path, original);
    expect((await optimize(path)).data.equals(original)).toBe(true);
  });

  it.each([
    ['a small photo PNG', () => makePng({ width: 300, height: 200 })],
    ['a PNG with alpha', () => makePng({ width: 300, height: 200, alpha: true })],
    ['a tiny low-quality JPEG', () => makeJpeg({ width: 48, height: 32, quality: 30 })],
    ['a tiny palette PNG', () => makeBitmapPng({ width: 8, height: 8 })],
  ])('never returns more bytes than %s had', async (_name, make) => {
    const original = await make();
    const out = await optimize(original);
    expect(out.bytes).toBeLessThanOrEqual(original.length);
  });

  it('keeps an animated GIF animated, as WebP with the same frames and delays', async () => {
    const original = await makeGif({ width: 160, height: 120, frames: 3 });
    const out = await optimize(original);
    expect(out).toMatchObject({ format: 'webp', width: 160, height: 120 });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', pages: 3, width: 160, height: 120, loop: 0, delay: [100, 100, 100] });
  });

  it('converts a Display P3 image to sRGB and drops the profile', async () => {
    const p3 = await sharp(await makeJpeg({ width: 200, height: 150 }))
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    expect((await sharp(p3).metadata()).icc).toBeDefined();
    const out = await optimize(p3);
    const meta = await sharp(out.data).metadata();
    expect(meta.space).toBe('srgb');
    expect(meta.icc).toBeUndefined();
  });

  it('encodes TIFF and AVIF input as WebP, even when larger, since they are not passed through', async () => {
    for (const original of [await makeTiff({ width: 200, height: 150 }), await makeAvif({ width: 64, height: 48 })]) {
      const out = await optimize(original);
      expect(out).toMatchObject({ format: 'webp', isOriginal: false });
    }
  });

  it('flattens alpha onto white under a JPEG policy', async () => {
    const policy: OptimizePolicy = { name: 'jpeg', maxWidth: 100, maxHeight: 100, format: 'jpeg', quality: 80 };
    const out = await optimize(await makePng({ width: 300, height: 200, alpha: true }), policy);
    expect(out).toMatchObject({ format: 'jpeg', contentType: 'image/jpeg', width: 100, height: 67 });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', hasAlpha: false, isProgressive: true });
  });

  it('reports input that stopped decoding after it was probed as retryable internal_error', async () => {
    const original = await makeJpeg({ width: 800, height: 600 });
    const info = await probeImage(original, limits);
    await expect(optimizeImage(truncate(original, 0.5), info, defaultPolicy, limits)).rejects.toMatchObject({
      name: 'IngestError',
      code: 'internal_error',
      retryable: true,
    });
  });
});
