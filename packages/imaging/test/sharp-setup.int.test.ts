// Proves configureSharp's loader allow-list keeps all six accepted formats loadable and refuses SVG and libvips' own .v format.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeAvif, makeGif, makeJpeg, makePng, makeSvg, makeTiff, makeWebp } from '@ingestkit/testkit';
import { allowedLoaders, configureSharp } from '../src';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imaging-setup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The format libvips reads from a buffer and from a file: separate loader classes for each. */
async function loadedFormats(data: Buffer, name: string): Promise<string[]> {
  const path = join(dir, name);
  await writeFile(path, data);
  return [(await sharp(data).metadata()).format, (await sharp(path).metadata()).format];
}

describe('configureSharp', () => {
  it('returns what it applied and can be called again', () => {
    const first = configureSharp({ concurrency: 2, cacheMemoryMb: 0 });
    expect(first).toEqual({ concurrency: 2, cacheMemoryMb: 0, allowedLoaders });
    expect(sharp.cache()).toMatchObject({ memory: { max: 0 }, items: { max: 0 } });
    const second = configureSharp({ cacheMemoryMb: 16 });
    expect(second.concurrency).toBe(2);
    expect(sharp.cache()).toMatchObject({ memory: { max: 16 }, files: { max: 0 } });
    configureSharp({ concurrency: 0 });
    expect(() => configureSharp({ concurrency: -1 })).toThrow(RangeError);
    expect(() => configureSharp({ cacheMemoryMb: Number.NaN })).toThrow(RangeError);
  });

  describe('with the allow-list in place', () => {
    beforeAll(() => {
      configureSharp();
      configureSharp(); // idempotent: a second call changes nothing
    });

    it.each([
      ['jpeg', 'jpeg', () => makeJpeg({ width: 64, height: 48 })],
      ['png', 'png', () => makePng({ width: 64, height: 48 })],
      ['webp', 'webp', () => makeWebp({ width: 64, height: 48 })],
      ['gif', 'gif', () => makeGif({ width: 64, height: 48, frames: 2 })],
      ['avif', 'heif', () => makeAvif()],
      ['tiff', 'tiff', () => makeTiff({ width: 64, height: 48 })],
    ])('loads %s', async (ext, libvipsFormat, make) => {
      const data = await make();
      expect(await loadedFormats(data, `ok.${ext}`)).toEqual([libvipsFormat, libvipsFormat]);
      await expect(sharp(data, { animated: true }).resize(16).raw().toBuffer()).resolves.toBeInstanceOf(Buffer);
    });

    it('refuses SVG from a buffer and from a file', async () => {
      const svg = makeSvg();
      const path = join(dir, 'image.svg');
      await writeFile(path, svg);
      await expect(sharp(svg).metadata()).rejects.toThrow(/unsupported image format/);
      await expect(sharp(path).metadata()).rejects.toThrow(/unsupported image format/);
    });

    it('refuses the libvips .v format', async () => {
      // saving is not blocked, only loading
      const path = join(dir, 'image.v');
      await sharp(await makePng({ width: 16, height: 16 })).toFile(path);
      await expect(sharp(path).metadata()).rejects.toThrow(/unsupported image format/);
      await expect(sharp(await readFile(path)).metadata()).rejects.toThrow(/unsupported image format/);
    });
  });
});
