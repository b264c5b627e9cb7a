// Proves validation (probeImage, in process and in the image pool the validate stage uses) rejects truncated and damaged files of all six formats, so optimize never decodes one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAvif, makeGif, makeJpeg, makePng, makeTiff, makeWebp, truncate } from '@ingestkit/testkit';
import { configureSharp, createImagePool, defaultImagingLimits, probeImage, type ImagePool } from '../src';

const limits = defaultImagingLimits;
let dir: string;
let pool: ImagePool;

beforeAll(async () => {
  configureSharp();
  dir = await mkdtemp(join(tmpdir(), 'imaging-damaged-'));
  pool = createImagePool({ size: 1, maxMemoryMb: 0, timeoutMs: 30_000 });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** `length` seeded random bytes written over `data` from `offset` on. */
function garble(data: Buffer, offset: number, length: number): Buffer {
  const out = Buffer.from(data);
  let state = 7;
  for (let i = offset; i < Math.min(out.length, offset + length); i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const middle = (data: Buffer) => Math.floor(data.length / 2);

/**
 * Each format with damage its decoder can see: garbage over the middle of the coded data, or
 * for lossy WebP over the frame's first partition (offset 30). Lossy VP8 and JPEG entropy data
 * carry no checksum, so a few bytes changed deep inside them can decode as wrong pixels
 * without any error; no decoder-based validation can reject that, and this does not claim to.
 */
const formats: Array<[string, () => Promise<Buffer>, (data: Buffer) => Buffer]> = [
  ['jpeg', () => makeJpeg({ width: 640, height: 480 }), (data) => garble(data, middle(data), 256)],
  ['png', () => makePng({ width: 640, height: 480 }), (data) => garble(data, middle(data), 16)],
  ['webp', () => makeWebp({ width: 640, height: 480 }), (data) => garble(data, 30, 16)],
  ['gif (animated)', () => makeGif({ width: 320, height: 240, frames: 2 }), (data) => garble(data, middle(data), 256)],
  ['avif', () => makeAvif({ width: 128, height: 96 }), (data) => garble(data, middle(data), 16)],
  ['tiff', () => makeTiff({ width: 640, height: 480 }), (data) => garble(data, middle(data), 16)],
];

describe.each(formats)('validation of a damaged %s', (name, make, damage) => {
  let sound: Buffer;
  beforeAll(async () => {
    sound = await make();
  });

  it('accepts the sound file (the damage below is the only difference)', async () => {
    await expect(probeImage(sound, limits)).resolves.toMatchObject({ bytes: sound.length });
  });

  it.each([0.35, 0.6, 0.9, 0.995])('rejects it cut to %p of its bytes', async (fraction) => {
    const cut = truncate(sound, fraction);
    const path = join(dir, `${name}-${fraction}`);
    await writeFile(path, cut);
    const code = { name: 'IngestError', code: expect.stringMatching(/^(corrupt_image|unsupported_media_type)$/) };
    await expect(probeImage(cut, limits)).rejects.toMatchObject(code);
    await expect(probeImage(path, limits)).rejects.toMatchObject(code);
    await expect(pool.probe(path, limits)).rejects.toMatchObject({ code: code.code });
  });

  it('rejects it with garbage over its coded data as corrupt_image', async () => {
    const damaged = damage(sound);
    const path = join(dir, `${name}-garbled`);
    await writeFile(path, damaged);
    await expect(probeImage(damaged, limits)).rejects.toMatchObject({ name: 'IngestError', code: 'corrupt_image' });
    await expect(pool.probe(path, limits)).rejects.toMatchObject({ code: 'corrupt_image' });
  });
});
