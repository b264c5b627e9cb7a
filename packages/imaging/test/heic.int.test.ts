// Proves HEIC input end to end in imaging: sniffing, header caps before decoding, orientation from irot/imir (EXIF never applied on top), Display P3 by policy, metadata stripped, outputs matching a reference decode, and hostile files rejected with a code in the image pool.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { isWideGamutProfile } from '../src/icc-gamut';
import { makeAvif, makeHeic, makeJpeg, referenceDecodeHeic, truncate } from '@ingestkit/testkit';
import {
  configureSharp,
  createImagePool,
  createPolicyRegistry,
  defaultImagingLimits,
  optimizeImage,
  probeImage,
  sniffImageFormat,
  ssim,
  type ImageInput,
  type OptimizePolicy,
} from '../src';

// Each test encodes its fixtures with heif-enc (x265) and decodes them twice (wasm and the
// reference): seconds of CPU apiece on a busy two-core machine.
jest.setTimeout(120_000);

const limits = defaultImagingLimits;
const policies = createPolicyRegistry();
const delivery = policies.resolve({ name: 'default', destination: 'local' });
let dir: string;

beforeAll(async () => {
  configureSharp();
  dir = await mkdtemp(join(tmpdir(), 'imaging-heic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function optimize(input: ImageInput, policy: OptimizePolicy = delivery) {
  return optimizeImage(input, await probeImage(input, limits), policy, limits);
}

/** Luma SSIM of an output against the reference decode, at the output's size. */
async function similarity(output: Buffer, heic: Buffer): Promise<number> {
  // Both sides through their profiles to sRGB first: a P3 output's luma is compared as displayed.
  const out = await sharp(output).withIccProfile('srgb').greyscale().raw().toBuffer({ resolveWithObject: true });
  const ref = await sharp(await referenceDecodeHeic(heic))
    .resize(out.info.width, out.info.height, { fit: 'fill' })
    .withIccProfile('srgb')
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return ssim(
    { data: out.data, width: out.info.width, height: out.info.height },
    { data: ref.data, width: ref.info.width, height: ref.info.height },
  );
}

/** Rewrites the `ispe` (image spatial extents) property: what the container claims, not what the HEVC data holds. */
function claimingExtents(heic: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(heic);
  const at = out.lastIndexOf('ispe'); // heif-enc writes the coded (padded) size first, the primary image's last
  out.writeUInt32BE(width, at + 8);
  out.writeUInt32BE(height, at + 12);
  return out;
}

describe('HEIC sniffing', () => {
  it('recognises heif-enc output as heic and still tells AVIF apart', async () => {
    expect(sniffImageFormat(await makeHeic({ width: 32, height: 24 }))).toBe('heic');
    expect(sniffImageFormat(await makeAvif({ width: 32, height: 24 }))).toBe('avif');
    const mif1 = Buffer.from('\0\0\0\x18ftypmif1\0\0\0\0mif1heic', 'latin1');
    expect(sniffImageFormat(mif1)).toBe('heic');
  });
});

describe('HEIC photos', () => {
  it.each([
    [64, 48],
    [640, 480],
    [1280, 720],
  ])('%i×%i: probed from the container, optimized to WebP matching the reference decode', async (width, height) => {
    const heic = await makeHeic({ width, height, seed: width });
    const path = join(dir, `photo-${width}.heic`);
    await writeFile(path, heic);
    const info = await probeImage(path, limits);
    expect(info).toMatchObject({ format: 'heic', width, height, pages: 1, isAnimated: false, bytes: heic.length });
    expect(info.orientation).toBeUndefined();
    const out = await optimize(path);
    expect(out).toMatchObject({ format: 'webp', contentType: 'image/webp', width, height, isOriginal: false });
    expect(await sharp(out.data).metadata()).toMatchObject({ format: 'webp', width, height });
    expect(await similarity(out.data, heic)).toBeGreaterThanOrEqual(0.95);
  });

  it('turns the image as irot says and never again by the EXIF Orientation inside (Apple writes both)', async () => {
    // Stored 96×64 landscape; irot 270° anti-clockwise (= 90° clockwise) and EXIF Orientation 6 say the same turn.
    const heic = await makeHeic({ width: 96, height: 64, exifOrientation: 6, transform: { rotateCcw: 270 } });
    const info = await probeImage(heic, limits);
    expect(info).toMatchObject({ width: 64, height: 96, hasMetadata: true });
    expect(info.orientation).toBeUndefined();
    const out = await optimize(heic);
    expect(out).toMatchObject({ width: 64, height: 96 });
    const metadata = await sharp(out.data).metadata();
    expect(metadata).toMatchObject({ width: 64, height: 96 });
    expect(metadata.exif).toBeUndefined();
    expect(await similarity(out.data, heic)).toBeGreaterThanOrEqual(0.95);
    // Turned a second time (EXIF on top of irot) it would be upside down: clearly dissimilar.
    const twice = await sharp(out.data).rotate(180).toBuffer();
    expect(await similarity(twice, heic)).toBeLessThan(0.9);
  });

  it('applies a mirror (imir) with a rotation', async () => {
    const heic = await makeHeic({ width: 96, height: 64, transform: { rotateCcw: 90, mirror: 'vertical' } });
    const out = await optimize(heic);
    expect(out).toMatchObject({ width: 64, height: 96 });
    expect(await similarity(out.data, heic)).toBeGreaterThanOrEqual(0.95);
  });

  it('converts Display P3 to sRGB under the delivery policy and keeps P3 under a wide-gamut one', async () => {
    const heic = await makeHeic({ width: 320, height: 240, p3: true });
    const info = await probeImage(heic, limits);
    expect(info).toMatchObject({ format: 'heic', hasIccProfile: true, isWideGamut: true });
    const srgb = await optimize(heic);
    expect((await sharp(srgb.data).metadata()).icc).toBeUndefined();
    expect(await similarity(srgb.data, heic)).toBeGreaterThanOrEqual(0.95);
    // The master policy (ImageKit destination) allows wide gamut; it encodes JPEG at quality 90,
    // which on this grainy fixture scores ≈0.86 whatever the decoder: the HEIC path must lose
    // nothing beyond the same encode of the reference decode.
    const master = policies.resolve({ name: 'default', destination: 'imagekit' });
    const wide = await optimize(heic, master);
    expect(isWideGamutProfile((await sharp(wide.data).metadata()).icc)).toBe(true);
    const reference = await sharp(await referenceDecodeHeic(heic))
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const referenceWide = await optimize(reference, master);
    expect(await similarity(wide.data, heic)).toBeGreaterThanOrEqual((await similarity(referenceWide.data, heic)) - 0.01);
  });

  it('gives the format the policy chooses, never HEIC, with its EXIF stripped', async () => {
    const heic = await makeHeic({ width: 320, height: 240, exifOrientation: 1 });
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const out = await optimize(heic, policies.resolve({ name: 'default', destination: 'local', overrides: { format } }));
      expect(out.format).toBe(format);
      const metadata = await sharp(out.data).metadata();
      expect(metadata.format).toBe(format);
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
    }
  });
});

describe('HEIC limits and hostile files', () => {
  it('refuses a container claiming 30000×30000 from its header, before decoding', async () => {
    const heic = claimingExtents(await makeHeic({ width: 320, height: 240 }), 30_000, 30_000);
    const started = Date.now();
    await expect(probeImage(heic, limits)).rejects.toMatchObject({ code: 'pixel_limit_exceeded' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('applies the configured pixel cap and format allow-list to HEIC too', async () => {
    const heic = await makeHeic({ width: 320, height: 240 });
    await expect(probeImage(heic, { ...limits, maxInputPixels: 320 * 240 - 1 })).rejects.toMatchObject({
      code: 'pixel_limit_exceeded',
    });
    await expect(probeImage(heic, { ...limits, allowedFormats: ['jpeg', 'png'] })).rejects.toMatchObject({
      code: 'unsupported_media_type',
    });
  });

  it('refuses more top-level images than the frame cap, from the container', async () => {
    const heic = await makeHeic({ width: 64, height: 48, images: 3 });
    await expect(probeImage(heic, { ...limits, maxInputFrames: 2 })).rejects.toMatchObject({
      code: 'frame_limit_exceeded',
      details: { pages: 3, maxInputFrames: 2 },
    });
    await expect(probeImage(heic, { ...limits, maxInputFrames: 3 })).resolves.toMatchObject({ format: 'heic', pages: 1 });
  });

  it.each([
    ['truncated', (heic: Buffer) => truncate(heic, 0.6)],
    [
      'with its HEVC data zeroed',
      (heic: Buffer) =>
        Buffer.concat([heic.subarray(0, heic.indexOf('mdat') + 4), Buffer.alloc(heic.length - heic.indexOf('mdat') - 4)]),
    ],
    ['cut inside the container header', (heic: Buffer) => heic.subarray(0, 200)],
  ])('rejects a HEIC %s as corrupt_image', async (_name, damage) => {
    const heic = damage(await makeHeic({ width: 320, height: 240 }));
    await expect(probeImage(heic, limits)).rejects.toMatchObject({ code: 'corrupt_image' });
  });

  it('decodes in the image pool: a hostile HEIC fails its own image with a code, the next image is served', async () => {
    const good = join(dir, 'pool-good.heic');
    const bad = join(dir, 'pool-bad.heic');
    const huge = join(dir, 'pool-huge.heic');
    const heic = await makeHeic({ width: 640, height: 480 });
    await writeFile(good, heic);
    await writeFile(bad, truncate(heic, 0.5));
    await writeFile(huge, claimingExtents(heic, 30_000, 30_000));
    const pool = createImagePool({ size: 1, maxMemoryMb: 1024, timeoutMs: 60_000 });
    try {
      await expect(pool.probe(bad, limits)).rejects.toMatchObject({ code: 'corrupt_image' });
      await expect(pool.probe(huge, limits)).rejects.toMatchObject({ code: 'pixel_limit_exceeded' });
      await expect(pool.probe(good, limits)).resolves.toMatchObject({ format: 'heic', width: 640, height: 480 });
      const out = await pool.optimize(good, delivery, limits);
      expect(out).toMatchObject({ format: 'webp', width: 640, height: 480 });
      expect(await similarity(out.data, heic)).toBeGreaterThanOrEqual(0.95);
    } finally {
      await pool.close();
    }
  });

  it('refuses a decode that would outgrow the child memory cap with resource_limit_exceeded, not corrupt_image', async () => {
    // 7000×7000 claimed (49 MP, under the pixel cap): the decode needs ≈ 290 MB of wasm memory, over the 260 MB cap
    const hungry = join(dir, 'pool-hungry.heic');
    const innocent = join(dir, 'pool-innocent.heic');
    const heic = await makeHeic({ width: 320, height: 240 });
    await writeFile(hungry, claimingExtents(heic, 7_000, 7_000));
    await writeFile(innocent, heic);
    const pool = createImagePool({ size: 1, maxMemoryMb: 260, timeoutMs: 60_000 });
    try {
      await expect(pool.probe(hungry, limits)).rejects.toMatchObject({
        code: 'resource_limit_exceeded',
        details: { reason: 'memory' },
      });
      await expect(pool.optimize(innocent, delivery, limits)).resolves.toMatchObject({ width: 320, height: 240 });
    } finally {
      await pool.close();
    }
  });
});

// A JPEG of the same pixels as a baseline shape check (the fixtures share the generator).
it('encodes the same pixels as makeJpeg with that seed', async () => {
  const heic = await makeHeic({ width: 160, height: 120, seed: 3 });
  const jpeg = await makeJpeg({ width: 160, height: 120, seed: 3, quality: 95 });
  const a = await sharp(await referenceDecodeHeic(heic))
    .greyscale()
    .raw()
    .toBuffer();
  const b = await sharp(jpeg).greyscale().raw().toBuffer();
  expect(ssim({ data: a, width: 160, height: 120 }, { data: b, width: 160, height: 120 })).toBeGreaterThanOrEqual(0.95);
});
