// Proves optimizeImage under each policy kind by reading its outputs: format, size, progressive flag, chroma, metadata, colour profile, variants, placeholder and the never-larger rule.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeAvif, makeBitmapPng, makeGif, makeJpeg, makePng, makeTiff, truncate } from '@ingestkit/testkit';
import type { DestinationKind, PolicyOverrides } from '@ingestkit/contracts';
import {
  configureSharp,
  createPolicyRegistry,
  defaultImagingLimits,
  optimizeImage,
  probeImage,
  ssim,
  type ImageInput,
  type OptimizePolicy,
} from '../src';
import { readCopyright } from '../src/exif-copyright';
import { isWideGamutProfile } from '../src/icc-gamut';

const limits = defaultImagingLimits;
const policies = createPolicyRegistry();
const policy = (name = 'default', destination: DestinationKind = 'local', overrides?: PolicyOverrides): OptimizePolicy =>
  policies.resolve({ name, destination, overrides });
let dir: string;

beforeAll(async () => {
  configureSharp();
  dir = await mkdtemp(join(tmpdir(), 'imaging-optimize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function optimize(input: ImageInput, chosen: OptimizePolicy = policy()) {
  return optimizeImage(input, await probeImage(input, limits), chosen, limits);
}

/** A few flat colours with hard edges: a logo or diagram. */
async function makeGraphic(width = 240, height = 160): Promise<Buffer> {
  const svgLike = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const band = ((x >> 4) + (y >> 4)) % 3;
      svgLike[i++] = band === 0 ? 230 : 20;
      svgLike[i++] = band === 1 ? 120 : 40;
      svgLike[i++] = band === 2 ? 200 : 60;
    }
  }
  return sharp(svgLike, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe('optimizeImage under the default delivery policy', () => {
  it('shrinks a camera JPEG into 2000×2000 WebP at auto quality, no EXIF, sRGB, with variants, placeholder and colour', async () => {
    const original = await makeJpeg({ width: 3000, height: 2000, exif: true });
    const path = join(dir, 'camera.jpg');
    await writeFile(path, original);

    const out = await optimize(path);

    expect(out).toMatchObject({ format: 'webp', contentType: 'image/webp', width: 2000, height: 1333, isOriginal: false });
    expect(out.contentClass).toBe('photo');
    expect(out.quality).toBeGreaterThanOrEqual(20);
    expect(out.bytes).toBe(out.data.length);
    expect(out.bytes).toBeLessThan(original.length / 2);
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 2000, height: 1333, space: 'srgb' });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();

    expect(out.variants.map((variant) => variant.width)).toEqual([320, 480, 640, 960, 1440, 1920]);
    for (const variant of out.variants) {
      const variantMeta = await sharp(variant.data).metadata();
      expect(variantMeta).toMatchObject({ format: 'webp', width: variant.width, height: variant.height });
      expect(variant.height).toBe(Math.round((variant.width * 1333) / 2000));
      expect(variant.bytes).toBeLessThan(out.bytes);
    }

    expect(out.placeholder).toMatch(/^data:image\/webp;base64,/);
    const placeholder = Buffer.from(out.placeholder!.split(',')[1]!, 'base64');
    expect(placeholder.length).toBeLessThan(1024);
    const placeholderMeta = await sharp(placeholder).metadata();
    expect(Math.max(placeholderMeta.width!, placeholderMeta.height!)).toBeLessThanOrEqual(32);
    expect(out.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('keeps the luma SSIM of an auto-quality output near its target at the output size', async () => {
    const original = await makeJpeg({ width: 1200, height: 800, quality: 95 });
    const out = await optimize(original);
    const luma = async (image: sharp.Sharp) => {
      const { data, info } = await image.greyscale().raw().toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    };
    const score = ssim(await luma(sharp(original)), await luma(sharp(out.data)));
    expect(score).toBeGreaterThanOrEqual(0.95);
  });

  it('applies EXIF orientation 6 (dimensions swap) and drops the tag', async () => {
    const out = await optimize(await makeJpeg({ width: 600, height: 400, orientation: 6 }));
    expect(out).toMatchObject({ width: 400, height: 600, isOriginal: false });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ width: 400, height: 600 });
    expect(meta.orientation).toBeUndefined();
  });

  it('fits the box after orientation, and the mobile policy fits 1000×1000', async () => {
    const input = await makeJpeg({ width: 3000, height: 1000, orientation: 8 });
    expect(await optimize(input)).toMatchObject({ width: 667, height: 2000 });
    expect(await optimize(input, policy('mobile'))).toMatchObject({ width: 333, height: 1000 });
  });

  it('never enlarges, and makes no variant wider than the output', async () => {
    const out = await optimize(await makeJpeg({ width: 500, height: 300 }));
    expect(out).toMatchObject({ width: 500, height: 300 });
    expect(out.variants.map((variant) => variant.width)).toEqual([320, 480]);
  });

  it('returns an already-optimal 1-bit PNG unchanged', async () => {
    const original = await makeBitmapPng();
    const out = await optimize(original);
    expect(out.bytes).toBeLessThanOrEqual(original.length);
    if (out.isOriginal) expect(out.data.equals(original)).toBe(true);
    else expect(out.bytes).toBeLessThan(original.length);
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

  it('keeps a graphic exact: lossless WebP or palette PNG with the same pixels', async () => {
    const original = await makeGraphic();
    const out = await optimize(original);
    expect(out.contentClass).toBe('graphic');
    expect(['png', 'webp']).toContain(out.format);
    expect(out.quality).toBeUndefined();
    const [a, b] = await Promise.all([sharp(original).raw().toBuffer(), sharp(out.data).removeAlpha().raw().toBuffer()]);
    expect(b.equals(a)).toBe(true);
  });

  it('keeps an animated GIF animated, as WebP with the same frames and delays, and no variants', async () => {
    const out = await optimize(await makeGif({ width: 160, height: 120, frames: 3 }));
    expect(out).toMatchObject({ format: 'webp', width: 160, height: 120, contentClass: 'animation', variants: [] });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', pages: 3, width: 160, height: 120, loop: 0, delay: [100, 100, 100] });
    expect(out.placeholder).toMatch(/^data:image\/webp/);
  });

  it('converts a Display P3 image to sRGB and drops the profile', async () => {
    const p3 = await sharp(await makeJpeg({ width: 200, height: 150 }))
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    expect(isWideGamutProfile((await sharp(p3).metadata()).icc)).toBe(true);
    const meta = await sharp((await optimize(p3)).data).metadata();
    expect(meta.space).toBe('srgb');
    expect(meta.icc).toBeUndefined();
  });

  it('encodes TIFF and AVIF input as WebP, even when larger, since they are not passed through', async () => {
    for (const original of [await makeTiff({ width: 200, height: 150 }), await makeAvif({ width: 64, height: 48 })]) {
      expect(await optimize(original)).toMatchObject({ format: 'webp', isOriginal: false });
    }
  });
});

describe('optimizeImage with fixed formats and qualities', () => {
  it('imagekit-q50 encodes at nominal quality 50', async () => {
    const out = await optimize(await makeJpeg({ width: 800, height: 600 }), policy('imagekit-q50'));
    expect(out).toMatchObject({ format: 'webp', quality: 50 });
  });

  it('JPEG output is progressive mozjpeg, 4:2:0 for photos, 4:4:4 for graphics, alpha flattened', async () => {
    const jpeg = policy('delivery', 'local', { format: 'jpeg', quality: 80 });
    const photo = await optimize(await makePng({ width: 300, height: 200, alpha: true }), jpeg);
    expect(photo).toMatchObject({ format: 'jpeg', contentType: 'image/jpeg', quality: 80 });
    expect(await sharp(photo.data).metadata()).toMatchObject({
      format: 'jpeg',
      hasAlpha: false,
      isProgressive: true,
      chromaSubsampling: '4:2:0',
    });
    // TIFF input: never passed through and no same-format retry, so the JPEG is what comes out
    const graphicTiff = await sharp(await makeGraphic())
      .tiff()
      .toBuffer();
    const graphic = await optimize(graphicTiff, jpeg);
    expect(graphic).toMatchObject({ format: 'jpeg', contentClass: 'graphic' });
    expect(await sharp(graphic.data).metadata()).toMatchObject({ isProgressive: true, chromaSubsampling: '4:4:4' });
  });

  it('PNG output of a photo is lossless truecolour or a visually lossless palette', async () => {
    const original = await makePng({ width: 300, height: 200 });
    const out = await optimize(original, policy('delivery', 'local', { format: 'png' }));
    expect(out).toMatchObject({ format: 'png', isOriginal: false });
    expect(out.bytes).toBeLessThan(original.length);
    const meta = await sharp(out.data).metadata();
    expect(meta.format).toBe('png');
    if (meta.isPalette) {
      const luma = async (data: Buffer) => {
        const raw = await sharp(data).greyscale().raw().toBuffer({ resolveWithObject: true });
        return { data: raw.data, width: raw.info.width, height: raw.info.height };
      };
      expect(ssim(await luma(original), await luma(out.data))).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('overrides shrink the box but never grow it', async () => {
    const input = await makeJpeg({ width: 1600, height: 1200 });
    expect(await optimize(input, policy('delivery', 'local', { maxWidth: 400 }))).toMatchObject({ width: 400, height: 300 });
  });
});

describe('optimizeImage under the master policy (ImageKit)', () => {
  it('makes a high-quality 4:4:4 progressive JPEG master, no variants, EXIF stripped but copyright kept', async () => {
    const original = await sharp(await makeJpeg({ width: 1200, height: 900, quality: 95 }))
      .withExif({ IFD0: { Copyright: '(c) Example Photographer', Artist: 'A. Artist', Make: 'Camera', Model: 'X' } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const master = policy('default', 'imagekit');
    const out = await optimize(original, master);
    expect(out).toMatchObject({ format: 'jpeg', quality: 90, variants: [] });
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ isProgressive: true, chromaSubsampling: '4:4:4' });
    expect(readCopyright(meta.exif)).toEqual({ Copyright: '(c) Example Photographer', Artist: 'A. Artist' });
    expect(meta.exif!.includes('Camera')).toBe(false);

    const delivered = await sharp((await optimize(original)).data).metadata();
    expect(delivered.exif).toBeUndefined();
  });

  it('keeps Display P3 with its profile where the policy allows wide gamut', async () => {
    const p3 = await sharp(await makeJpeg({ width: 240, height: 160 }))
      .withIccProfile('p3')
      .jpeg({ quality: 95 })
      .toBuffer();
    const out = await optimize(p3, policy('default', 'imagekit'));
    expect(isWideGamutProfile((await sharp(out.data).metadata()).icc)).toBe(true);
  });

  it('keeps graphics lossless', async () => {
    const out = await optimize(await makeGraphic(), policy('master', 'imagekit'));
    expect(out.contentClass).toBe('graphic');
    expect(out.quality).toBeUndefined();
  });
});

it('reports input that stopped decoding after it was probed as retryable internal_error', async () => {
  const original = await makeJpeg({ width: 800, height: 600 });
  const info = await probeImage(original, limits);
  await expect(optimizeImage(truncate(original, 0.5), info, policy(), limits)).rejects.toMatchObject({
    name: 'IngestError',
    code: 'internal_error',
    retryable: true,
  });
});
