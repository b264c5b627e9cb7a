// Proves probeImage accepts all six formats and refuses oversized, non-image, truncated and pixel-bomb input with the right IngestError code.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ErrorCode } from '@ingestkit/contracts';
import {
  makeAvif,
  makeGif,
  makeJpeg,
  makePdf,
  makePng,
  makeSvg,
  makeText,
  makeTiff,
  makeWebp,
  pngClaimingDimensions,
  truncate,
} from '@ingestkit/testkit';
import { configureSharp, defaultImagingLimits, inspectImage, probeImage, type ImagingLimits } from '../src';

const limits: ImagingLimits = defaultImagingLimits;
let dir: string;

beforeAll(async () => {
  configureSharp();
  dir = await mkdtemp(join(tmpdir(), 'imaging-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function toFile(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'IngestError', code });
}

describe('probeImage accepts', () => {
  it.each([
    ['jpeg', () => makeJpeg({ width: 320, height: 240 }), false],
    ['png', () => makePng({ width: 320, height: 240, alpha: true }), true],
    ['webp', () => makeWebp({ width: 320, height: 240 }), false],
    ['gif', () => makeGif({ width: 320, height: 240 }), false],
    ['avif', () => makeAvif({ width: 320, height: 240 }), false],
    ['tiff', () => makeTiff({ width: 320, height: 240 }), false],
  ] as const)('%s, from a buffer and from a file', async (format, make, hasAlpha) => {
    const data = await make();
    for (const input of [data, await toFile(`ok.${format}`, data)]) {
      const info = await probeImage(input, limits);
      expect(info).toMatchObject({ format, width: 320, height: 240, pages: 1, isAnimated: false, hasAlpha });
      expect(info.bytes).toBe(data.length);
      expect(info.hasMetadata).toBe(false);
    }
  });

  it('an animated GIF, counting its frames', async () => {
    const info = await probeImage(await makeGif({ width: 64, height: 48, frames: 3 }), limits);
    expect(info).toMatchObject({ format: 'gif', width: 64, height: 48, pages: 3, isAnimated: true });
  });

  it('a camera JPEG, reporting orientation and metadata', async () => {
    const info = await probeImage(await makeJpeg({ width: 300, height: 200, exif: true, orientation: 6 }), limits);
    expect(info).toMatchObject({ format: 'jpeg', width: 300, height: 200, orientation: 6, hasMetadata: true });
  });
});

describe('probeImage refuses', () => {
  it.each([
    ['text', makeText()],
    ['PDF', makePdf()],
    ['SVG', makeSvg()],
    ['empty input', Buffer.alloc(0)],
  ])('%s as unsupported_media_type', async (_name, data) => {
    await rejectsWith(probeImage(data, limits), 'unsupported_media_type');
    await rejectsWith(probeImage(await toFile('not-an-image', data), limits), 'unsupported_media_type');
  });

  it('a truncated JPEG as corrupt_image', async () => {
    const data = truncate(await makeJpeg({ width: 800, height: 600 }), 0.6);
    await rejectsWith(probeImage(data, limits), 'corrupt_image');
    await rejectsWith(probeImage(await toFile('cut.jpg', data), limits), 'corrupt_image');
  });

  it('a truncated JPEG through inspectImage, which reads the header only (limits still apply)', async () => {
    const data = truncate(await makeJpeg({ width: 800, height: 600 }), 0.6);
    await expect(inspectImage(data, limits)).resolves.toMatchObject({ format: 'jpeg', width: 800, height: 600 });
    await rejectsWith(inspectImage(await makeText(), limits), 'unsupported_media_type');
    await rejectsWith(inspectImage(await pngClaimingDimensions(30_000, 30_000), limits), 'pixel_limit_exceeded');
  });

  it('a truncated PNG as corrupt_image', async () => {
    const data = truncate(await makePng({ width: 800, height: 600 }), 0.9);
    await rejectsWith(probeImage(data, limits), 'corrupt_image');
    await rejectsWith(probeImage(await toFile('cut.png', data), limits), 'corrupt_image');
  });

  it('a PNG claiming 30000×30000 as pixel_limit_exceeded, from the header alone', async () => {
    const data = await pngClaimingDimensions(30_000, 30_000);
    expect(data.length).toBeLessThan(200);
    expect(data.readUInt32BE(29)).toBe(crc32(data.subarray(12, 29))); // a well-formed IHDR, not a broken one
    const started = performance.now();
    const error = await probeImage(data, limits).catch((err: unknown) => err);
    const elapsedMs = performance.now() - started;
    // Decoding would have failed on the 1×1 pixel data as corrupt_image; this answer comes from IHDR.
    expect(error).toMatchObject({
      code: 'pixel_limit_exceeded',
      details: { width: 30_000, height: 30_000, pixels: 900_000_000, maxInputPixels: limits.maxInputPixels },
    });
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('a real image over the pixel limit, and animations by their total frame area', async () => {
    const tight: ImagingLimits = { ...limits, maxInputPixels: 10_000 };
    await rejectsWith(probeImage(await makePng({ width: 101, height: 100 }), tight), 'pixel_limit_exceeded');
    await expect(probeImage(await makePng({ width: 100, height: 100 }), tight)).resolves.toMatchObject({ format: 'png' });
    // 64×48 = 3072 per frame fits; 4 frames = 12288 do not
    await expect(probeImage(await makeGif({ width: 64, height: 48, frames: 3 }), tight)).resolves.toMatchObject({ pages: 3 });
    await rejectsWith(probeImage(await makeGif({ width: 64, height: 48, frames: 4 }), tight), 'pixel_limit_exceeded');
  });

  it('input over the byte cap as payload_too_large, before looking at the content', async () => {
    const data = await makeJpeg({ width: 320, height: 240 });
    const capped: ImagingLimits = { ...limits, maxInputBytes: data.length - 1 };
    await rejectsWith(probeImage(data, capped), 'payload_too_large');
    await rejectsWith(probeImage(await toFile('big.jpg', data), capped), 'payload_too_large');
    await rejectsWith(probeImage(Buffer.concat([makeText(), data]), capped), 'payload_too_large');
    await expect(probeImage(data, { ...capped, maxInputBytes: data.length })).resolves.toMatchObject({ format: 'jpeg' });
  });

  it('a path that cannot be read as internal_error', async () => {
    await rejectsWith(probeImage(join(dir, 'missing.jpg'), limits), 'internal_error');
    await rejectsWith(probeImage(dir, limits), 'internal_error');
  });
});
