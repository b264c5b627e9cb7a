import { open } from 'node:fs/promises';
import { IngestError, type ImageFormat } from '@ingestkit/contracts';
import sharp, { type Metadata } from 'sharp';
import { readCopyright, type CopyrightFields } from './exif-copyright';
import { isWideGamutProfile } from './icc-gamut';
import { isCompleteGif } from './gif-structure';
import { jpegMetadataBytes, readAtBuffer, readAtFile, type ReadAt } from './jpeg-segments';
import { checkHeifDecodes, inspectHeif } from './heif/heif-input';
import { defaultImagingLimits, type ImagingLimits } from './limits';
import { openImage, type ImageInput } from './open-image';
import { toImagingError } from './sharp-errors';
import { SNIFF_BYTES, sniffImageFormat } from './sniff';

/** What `probeImage` learned about a valid input image. */
export interface ImageInfo {
  /** Format by content (magic bytes, confirmed by the decoder). */
  format: ImageFormat;
  /** Pixel width as stored, before EXIF orientation is applied. */
  width: number;
  /** Pixel height of one page/frame as stored, before EXIF orientation is applied. */
  height: number;
  /** Pages or frames in the file; 1 for a still image. */
  pages: number;
  /** True for a GIF or WebP with more than one frame; all frames are decoded and kept. */
  isAnimated: boolean;
  hasAlpha: boolean;
  /** EXIF orientation 1–8, when the file has one. */
  orientation?: number;
  /** Input size in bytes. */
  bytes: number;
  /** True when EXIF, XMP, IPTC or PNG text chunks are present (all stripped on output). */
  hasMetadata: boolean;
  /** True when an ICC colour profile is embedded (output is converted to sRGB without one). */
  hasIccProfile: boolean;
  /** libvips interpretation of the stored pixels, e.g. `srgb`, `b-w`, `cmyk`. */
  space: string;
  /** The embedded ICC profile describes a gamut wider than sRGB (Display P3, Adobe RGB…). */
  isWideGamut: boolean;
  /** EXIF Copyright and Artist, kept by policies with `keepCopyright`. */
  copyright: CopyrightFields;
  /** A progressive (multi-scan) JPEG or interlaced PNG/GIF. */
  isProgressive: boolean;
}

/**
 * Validates an untrusted image and describes it. Checks run cheapest first, so hostile input
 * is refused before it costs memory:
 *
 * 1. size from `stat`/`length`: over `maxInputBytes` → `payload_too_large`; empty →
 *    `unsupported_media_type`;
 * 2. the first {@link SNIFF_BYTES} bytes: not JPEG/PNG/WebP/GIF/AVIF/TIFF/HEIC, or not in
 *    `allowedFormats` → `unsupported_media_type` (name and declared type are never consulted);
 *    for JPEG, the metadata segments' lengths (bodies skipped): over `maxMetadataBytes` →
 *    `metadata_too_large`;
 * 3. the header only (no pixel decoding, no pixel limit, so a PNG claiming 30000×30000 answers
 *    in about a millisecond): more frames than `maxInputFrames` → `frame_limit_exceeded`;
 *    width × height (× frames when animated) over `maxInputPixels`, or a progressive JPEG over
 *    `maxProgressivePixels` → `pixel_limit_exceeded`; a decoder that disagrees with the
 *    sniffed format → `unsupported_media_type`;
 * 4. a full decode with `failOn: 'warning'` and `limitInputPixels`: truncated or damaged data
 *    → `corrupt_image`; for GIF also its block structure, walked to the trailer
 *    (`isCompleteGif`), because the GIF decoder takes a cut-short last frame without a warning.
 *
 * Decode check: a resize to at most 8×8 into raw pixels. It reads and entropy-decodes every
 * byte (JPEG and WebP use shrink-on-load, which scales the inverse transform, not the input),
 * holds only a few rows in memory, and on a 4000×3000 q90 JPEG costs ≈36 ms against ≈80 ms for
 * a full raw decode and ≈360 ms for `.stats()`; all three catch the same truncations.
 *
 * HEIC (no HEVC decoder in libvips) takes steps 3–4 in `heif/`: the header from the HEIF
 * container (`inspectHeif`), then a full decode by libheif compiled to WebAssembly.
 *
 * Errors are `IngestError`s; a file that cannot be read at all is `internal_error`.
 *
 * @param input a file path (read by sharp from disk, never loaded whole) or the bytes
 * @param limits byte and pixel limits
 */
export async function probeImage(input: ImageInput, limits: ImagingLimits): Promise<ImageInfo> {
  const info = await inspectImage(input, limits);
  if (info.format === 'heic') {
    await checkHeifDecodes(input);
    return info;
  }
  try {
    await openImage(input, limits, info.isAnimated)
      .resize({ width: 8, height: 8, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
  } catch (err) {
    throw toImagingError(err, 'decoding');
  }
  if (info.format === 'gif' && !(await withReadAt(input, isCompleteGif))) {
    throw new IngestError('corrupt_image', 'image could not be decoded: the GIF ends before its trailer');
  }
  return info;
}

/**
 * Steps 1–3 of {@link probeImage} only: byte cap, sniffing and the header (dimensions, pixel
 * limit), without decoding the pixels. For an input that `probeImage` already accepted, such as
 * the optimize stage's input after validation: its own encode decodes with `failOn: 'warning'`.
 */
export async function inspectImage(input: ImageInput, limits: ImagingLimits): Promise<ImageInfo> {
  const { bytes, head } = await readHead(input);
  if (bytes > limits.maxInputBytes) {
    throw new IngestError('payload_too_large', `image is ${bytes} bytes, the limit is ${limits.maxInputBytes}`, {
      details: { bytes, maxInputBytes: limits.maxInputBytes },
    });
  }
  if (bytes === 0) throw new IngestError('unsupported_media_type', 'input is empty');
  const format = sniffImageFormat(head);
  if (format === null) {
    throw new IngestError('unsupported_media_type', 'input is not a JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC image');
  }
  const allowed = limits.allowedFormats ?? defaultImagingLimits.allowedFormats;
  if (!allowed.includes(format)) {
    throw new IngestError('unsupported_media_type', `${format} input is not accepted here`, {
      details: { format, allowed: [...allowed] },
    });
  }
  if (format === 'heic') return inspectHeif(input, bytes, limits);
  if (format === 'jpeg') await checkJpegMetadata(input, limits.maxMetadataBytes ?? defaultImagingLimits.maxMetadataBytes);

  const metadata = await readHeader(input);
  const { width, height } = metadata;
  if (decodedFormat(metadata) !== format || width === undefined || height === undefined) {
    throw new IngestError('unsupported_media_type', `content does not decode as the ${format} it claims to be`, {
      details: { sniffed: format, decoder: metadata.format },
    });
  }
  const pages = metadata.pages ?? 1;
  const isAnimated = (format === 'gif' || format === 'webp') && pages > 1;
  const maxFrames = limits.maxInputFrames ?? defaultImagingLimits.maxInputFrames;
  if (isAnimated && pages > maxFrames) {
    throw new IngestError('frame_limit_exceeded', `animation has ${pages} frames, the limit is ${maxFrames}`, {
      details: { pages, maxInputFrames: maxFrames },
    });
  }
  const pixels = width * height * (isAnimated ? pages : 1);
  if (pixels > limits.maxInputPixels) {
    throw new IngestError('pixel_limit_exceeded', `image has ${pixels} pixels, the limit is ${limits.maxInputPixels}`, {
      details: { width, height, pages: isAnimated ? pages : 1, pixels, maxInputPixels: limits.maxInputPixels },
    });
  }
  const maxProgressive = limits.maxProgressivePixels ?? defaultImagingLimits.maxProgressivePixels;
  if (format === 'jpeg' && metadata.isProgressive && pixels > maxProgressive) {
    throw new IngestError(
      'pixel_limit_exceeded',
      `progressive JPEG has ${pixels} pixels, the limit for progressive JPEGs is ${maxProgressive}`,
      { details: { width, height, pixels, progressive: true, maxProgressivePixels: maxProgressive } },
    );
  }

  return {
    format,
    width,
    height,
    pages,
    isAnimated,
    hasAlpha: metadata.hasAlpha,
    ...(metadata.orientation === undefined ? {} : { orientation: metadata.orientation }),
    bytes,
    hasMetadata: [metadata.exif, metadata.xmp, metadata.iptc].some(Boolean) || (metadata.comments?.length ?? 0) > 0,
    hasIccProfile: metadata.icc !== undefined,
    space: metadata.space,
    isWideGamut: isWideGamutProfile(metadata.icc),
    copyright: readCopyright(metadata.exif),
    isProgressive: metadata.isProgressive,
  };
}

/** Refuses a JPEG whose APPn/COM segments exceed the metadata cap, before sharp reads them into memory. */
async function checkJpegMetadata(input: ImageInput, maxMetadataBytes: number): Promise<void> {
  const metadataBytes = await withReadAt(input, (read) => jpegMetadataBytes(read, maxMetadataBytes));
  if (metadataBytes > maxMetadataBytes) {
    throw new IngestError('metadata_too_large', `JPEG metadata is over ${maxMetadataBytes} bytes`, {
      details: { metadataBytes, maxMetadataBytes },
    });
  }
}

/** Runs `use` with a {@link ReadAt} over the input: the bytes, or the file opened for the call. */
async function withReadAt<T>(input: ImageInput, use: (read: ReadAt) => Promise<T>): Promise<T> {
  if (Buffer.isBuffer(input)) return use(readAtBuffer(input));
  const file = await open(input, 'r').catch((err: unknown) => {
    throw new IngestError('internal_error', 'image input could not be read', { cause: err });
  });
  try {
    return await use(readAtFile(file));
  } finally {
    await file.close();
  }
}

async function readHead(input: ImageInput): Promise<{ bytes: number; head: Uint8Array }> {
  if (Buffer.isBuffer(input)) return { bytes: input.length, head: input.subarray(0, SNIFF_BYTES) };
  try {
    const file = await open(input, 'r');
    try {
      const stats = await file.stat();
      if (!stats.isFile()) throw new Error(`${input} is not a regular file`);
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, stats.size));
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      return { bytes: stats.size, head: head.subarray(0, bytesRead) };
    } finally {
      await file.close();
    }
  } catch (err) {
    throw new IngestError('internal_error', 'image input could not be read', { cause: err });
  }
}

/** Header only: `limitInputPixels: false` so oversized images report their size, not an error. */
async function readHeader(input: ImageInput): Promise<Metadata> {
  try {
    return await sharp(input, { failOn: 'warning', limitInputPixels: false }).metadata();
  } catch (err) {
    throw toImagingError(err, 'reading the header');
  }
}

function decodedFormat(metadata: Metadata): ImageFormat | undefined {
  switch (metadata.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return metadata.format;
    case 'heif':
      return metadata.compression === 'av1' ? 'avif' : undefined;
    default:
      return undefined;
  }
}
