import { readFile } from 'node:fs/promises';
import { IngestError, type ImageFormat } from '@ingestkit/contracts';
import type { Sharp } from 'sharp';
import { imageContentType } from './content-type';
import type { ImagingLimits } from './limits';
import { openImage, type ImageInput } from './open-image';
import type { OptimizePolicy } from './policy';
import type { ImageInfo } from './probe';
import { toImagingError } from './sharp-errors';

/** The result of {@link optimizeImage}: the bytes to store and what they are. */
export interface OptimizedImage {
  data: Buffer;
  format: ImageFormat;
  contentType: string;
  /** Width and height of the output (of one frame, for animations), orientation applied. */
  width: number;
  height: number;
  bytes: number;
  /** True when `data` is the input itself, unchanged (see the rule on {@link optimizeImage}). */
  isOriginal: boolean;
}

interface Encoder {
  format: ImageFormat;
  apply(image: Sharp): Sharp;
}

/**
 * Produces the web-ready version of a probed image under a policy.
 *
 * Pipeline: decode (`failOn: 'warning'`, `limitInputPixels`; all frames of an animated GIF or
 * WebP when the policy encodes WebP, else the first frame) → auto-orient from EXIF (still
 * images only: libvips cannot rotate multi-page images, so an animated WebP's orientation tag
 * is dropped unapplied) → fit inside `maxWidth` × `maxHeight`, never enlarged → sRGB (via
 * the embedded ICC profile, if any) → encode as the policy says (WebP keeps animation, loop
 * and frame delays; JPEG is progressive mozjpeg and flattens alpha onto white). Metadata
 * (EXIF, XMP, IPTC, ICC, PNG text) is stripped: sharp writes none unless asked.
 *
 * Never larger than the original, by this rule:
 * 1. if the policy's encode is smaller than the input, it wins;
 * 2. otherwise the same pipeline is also encoded in the input's own format — JPEG as mozjpeg
 *    progressive q80, PNG at compression level 9 with adaptive filtering (WebP and GIF inputs
 *    keep the WebP; AVIF and TIFF have no second try) — and the smaller of the two is taken if
 *    it is smaller than the input;
 * 3. otherwise, if the input needs no change — already inside the box, orientation 1 or none,
 *    no EXIF/XMP/IPTC/text or ICC profile, sRGB or greyscale, and JPEG, PNG, WebP or GIF —
 *    the input bytes are returned unchanged with `isOriginal: true` (its format may then
 *    differ from the policy's);
 * 4. otherwise the smallest encode is returned even though it is not smaller: the change it
 *    makes (rotation, stripping, resizing, a format browsers can show) is required.
 *
 * Errors are `IngestError`s: over the pixel limit and refused formats as in `probeImage`;
 * anything else is `internal_error` (retryable), because `probeImage` already proved this
 * input decodes — a failure here is memory, an encoder, or a file that changed since.
 *
 * @param input the same file path or bytes that were probed
 * @param info what `probeImage` returned for `input`
 * @param policy what to produce
 * @param limits the limits the input was probed with
 */
export async function optimizeImage(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  limits: ImagingLimits,
): Promise<OptimizedImage> {
  const primary = await encode(input, info, policy, limits, policyEncoder(policy));
  if (primary.bytes < info.bytes) return primary;

  const retry = sameFormatEncoder(info.format);
  const candidates = retry ? [primary, await encode(input, info, policy, limits, retry)] : [primary];
  const best = candidates.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  if (best.bytes < info.bytes) return best;

  if (!needsChange(info, policy)) {
    const data = Buffer.isBuffer(input) ? input : await readOriginal(input);
    const [width, height] = orientedSize(info);
    return {
      data,
      format: info.format,
      contentType: imageContentType(info.format),
      width,
      height,
      bytes: data.length,
      isOriginal: true,
    };
  }
  return best;
}

async function encode(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  limits: ImagingLimits,
  encoder: Encoder,
): Promise<OptimizedImage> {
  const keepFrames = info.isAnimated && (encoder.format === 'webp' || encoder.format === 'gif');
  let image = openImage(input, limits, keepFrames);
  if (!keepFrames) image = image.rotate();
  image = image
    .resize({ width: policy.maxWidth, height: policy.maxHeight, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb');
  if (encoder.format === 'jpeg' && info.hasAlpha) image = image.flatten({ background: '#ffffff' });
  try {
    const { data, info: out } = await encoder.apply(image).toBuffer({ resolveWithObject: true });
    return {
      data,
      format: encoder.format,
      contentType: imageContentType(encoder.format),
      width: out.width,
      height: out.pageHeight ?? out.height,
      bytes: data.length,
      isOriginal: false,
    };
  } catch (err) {
    throw toImagingError(err, `optimizing to ${encoder.format}`, 'internal_error');
  }
}

async function readOriginal(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new IngestError('internal_error', 'image input could not be read', { cause: err });
  }
}

function policyEncoder(policy: OptimizePolicy): Encoder {
  const { quality } = policy;
  if (policy.format === 'jpeg') {
    return { format: 'jpeg', apply: (image) => image.jpeg({ quality, mozjpeg: true, progressive: true }) };
  }
  return { format: 'webp', apply: (image) => image.webp({ quality }) };
}

function sameFormatEncoder(format: ImageFormat): Encoder | undefined {
  switch (format) {
    case 'jpeg':
      return { format: 'jpeg', apply: (image) => image.jpeg({ quality: 80, mozjpeg: true, progressive: true }) };
    case 'png':
      return { format: 'png', apply: (image) => image.png({ compressionLevel: 9, adaptiveFiltering: true }) };
    default:
      return undefined;
  }
}

const passThroughFormats: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'webp', 'gif']);

function needsChange(info: ImageInfo, policy: OptimizePolicy): boolean {
  const [width, height] = orientedSize(info);
  return (
    width > policy.maxWidth ||
    height > policy.maxHeight ||
    (info.orientation !== undefined && info.orientation !== 1) ||
    info.hasMetadata ||
    info.hasIccProfile ||
    (info.space !== 'srgb' && info.space !== 'b-w') ||
    !passThroughFormats.has(info.format)
  );
}

/** Width and height as displayed: EXIF orientations 5–8 swap the axes. */
function orientedSize(info: ImageInfo): [number, number] {
  return (info.orientation ?? 1) >= 5 ? [info.height, info.width] : [info.width, info.height];
}
