import { readFile } from 'node:fs/promises';
import { IngestError } from '@ingestkit/contracts';
import sharp from 'sharp';
import { readCopyright } from '../exif-copyright';
import { isWideGamutProfile } from '../icc-gamut';
import { defaultImagingLimits, type ImagingLimits } from '../limits';
import type { ImageInput } from '../open-image';
import type { ImageInfo } from '../probe';
import { openHeif, type HeifFile, type HeifHeader } from './heif-file';
import { toPngIntermediate } from './png-intermediate';

/** H.273 colour primaries of Display P3 (SMPTE EG 432-1), as phones write them in `nclx` boxes. */
const NCLX_DISPLAY_P3 = 12;

/**
 * Steps 2–3 of `probeImage` for a HEIC input, from the container alone (no HEVC decoding):
 * more top-level images than `maxInputFrames` → `frame_limit_exceeded`; the primary image's
 * width × height over `maxInputPixels` → `pixel_limit_exceeded`; a container libheif cannot
 * parse → `corrupt_image`.
 *
 * Width and height are the displayed ones (the container's `irot`/`imir` applied) and there is
 * no `orientation`: the decoder hands over upright pixels, and an EXIF Orientation tag inside
 * the file (Apple writes both) is never applied on top.
 */
export async function inspectHeif(input: ImageInput, bytes: number, limits: ImagingLimits): Promise<ImageInfo> {
  const header = withHeif(await readInput(input), (file) => file.header);
  const maxFrames = limits.maxInputFrames ?? defaultImagingLimits.maxInputFrames;
  if (header.topLevelImages > maxFrames) {
    throw new IngestError('frame_limit_exceeded', `HEIF file has ${header.topLevelImages} images, the limit is ${maxFrames}`, {
      details: { pages: header.topLevelImages, maxInputFrames: maxFrames },
    });
  }
  const { width, height } = header;
  const pixels = width * height;
  if (pixels > limits.maxInputPixels) {
    throw new IngestError('pixel_limit_exceeded', `image has ${pixels} pixels, the limit is ${limits.maxInputPixels}`, {
      details: { width, height, pages: 1, pixels, maxInputPixels: limits.maxInputPixels },
    });
  }
  if (width === 0 || height === 0) throw new IngestError('corrupt_image', 'HEIF primary image has no size');
  const icc = await profileOf(header);
  return {
    format: 'heic',
    width,
    height,
    pages: 1,
    isAnimated: false,
    hasAlpha: header.hasAlpha,
    bytes,
    hasMetadata: header.hasMetadata,
    hasIccProfile: icc !== undefined,
    space: 'srgb',
    isWideGamut: isWideGamutProfile(icc),
    copyright: readCopyright(header.exif),
    isProgressive: false,
  };
}

/**
 * Decodes a HEIC input (already inspected: within the pixel and frame caps) into a lossless
 * PNG that the rest of the pipeline reads like any other input: upright pixels, the colour
 * profile kept (Display P3 stays P3 until the policy converts it), every other piece of
 * metadata left behind. Damaged HEVC data → `corrupt_image`.
 */
export async function decodeHeif(input: ImageInput): Promise<Buffer> {
  const bytes = await readInput(input);
  const { pixels, header } = withHeif(bytes, (file) => ({ pixels: file.decode(), header: file.header }));
  return toPngIntermediate(pixels, await profileOf(header));
}

/**
 * The decode check of `probeImage` for HEIC: decodes the primary image fully and drops the
 * pixels. Damaged HEVC data → `corrupt_image`.
 */
export async function checkHeifDecodes(input: ImageInput): Promise<void> {
  withHeif(await readInput(input), (file) => file.decode());
}

function withHeif<T>(bytes: Uint8Array, use: (file: HeifFile) => T): T {
  const file = openHeif(bytes);
  try {
    return use(file);
  } finally {
    file.close();
  }
}

async function readInput(input: ImageInput): Promise<Uint8Array> {
  if (Buffer.isBuffer(input)) return input;
  try {
    return await readFile(input);
  } catch (err) {
    throw new IngestError('internal_error', 'image input could not be read', { cause: err });
  }
}

/** The embedded ICC profile; for an `nclx` box naming Display P3 primaries, libvips' own P3 profile. */
async function profileOf(header: HeifHeader): Promise<Buffer | undefined> {
  if (header.icc) return header.icc;
  if (header.nclxPrimaries === NCLX_DISPLAY_P3) return displayP3Profile();
  return undefined;
}

let p3Profile: Promise<Buffer | undefined> | undefined;

function displayP3Profile(): Promise<Buffer | undefined> {
  p3Profile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } })
    .withIccProfile('p3')
    .png()
    .toBuffer()
    .then((png) => sharp(png).metadata())
    .then((metadata) => metadata.icc);
  return p3Profile;
}
