import { readFile } from 'node:fs/promises';
import { IngestError, type ImageFormat } from '@ingestkit/contracts';
import type { Sharp } from 'sharp';
import { analysePixels } from './analyse';
import { decodeHeif } from './heif/heif-input';
import { findAutoQuality } from './auto-quality';
import { imageContentType } from './content-type';
import { applyEncoder, type EncodeSpec } from './encoders';
import { planEncoding, type ContentClass, type EncodeCandidate } from './encoding-plan';
import type { ImagingLimits } from './limits';
import { openImage, type ImageInput } from './open-image';
import { isVisuallyLosslessPalette } from './palette-check';
import { makePlaceholder } from './placeholder';
import { fromPixels, withoutAlpha, type Pixels } from './pixels';
import type { OptimizePolicy } from './policy';
import type { ImageInfo } from './probe';
import { renderPixels, type Gamut } from './render';
import { toImagingError } from './sharp-errors';
import { variantWidthsFor } from './variants';

/** One encoded image: the bytes to store and what they are. */
export interface EncodedImage {
  data: Buffer;
  format: ImageFormat;
  contentType: string;
  /** Width and height (of one frame, for animations), orientation applied. */
  width: number;
  height: number;
  bytes: number;
}

/** The main output of {@link optimizeImage}, its variants, placeholder and dominant colour. */
export interface OptimizedImage extends EncodedImage {
  /** True when `data` is the input itself, unchanged (see the rule on {@link optimizeImage}). */
  isOriginal: boolean;
  /** Nominal quality of a lossy encode (for `auto`, the one found); undefined when lossless or original. */
  quality?: number;
  contentClass: ContentClass;
  /** Responsive variants, narrowest first, in the main output's chosen format. */
  variants: EncodedImage[];
  /** `data:image/webp;base64,…`, when the policy asks for one. */
  placeholder?: string;
  /** `#rrggbb`, when the policy asks for a placeholder. */
  dominantColor?: string;
}

/** Nominal quality of animations under `quality: 'auto'` (the search works on still pixels only). */
const ANIMATION_AUTO_QUALITY = 80;

/**
 * Produces the web-ready version of a probed image under a policy.
 *
 * Still images: decode once (`renderPixels`: shrink-on-load, EXIF orientation, the policy's
 * box, never enlarged, sRGB — or Display P3 when the policy allows wide gamut and the input
 * is wide) → classify the pixels (graphic when ≤ 256 colours) → encode as `planEncoding`
 * says, at the policy's quality or the `auto` quality (`findAutoQuality`) → variants and
 * placeholder from the same pixels. Metadata is stripped (copyright kept when the policy
 * says so); sRGB outputs carry no profile, P3 outputs the P3 profile.
 *
 * Animations under `auto`/`webp` stay animated WebP (frames, delays and loop kept, at
 * nominal quality 80 for `auto`, no variants); under another fixed format the first frame is
 * used. libvips cannot rotate multi-page images, so an animated WebP's orientation tag is
 * dropped unapplied.
 *
 * Never larger than the original, by this rule:
 * 1. if the policy's encode is smaller than the input, it wins;
 * 2. otherwise the same pixels are also encoded in the input's own format — JPEG as mozjpeg
 *    progressive at the same quality (80 for lossless plans), PNG losslessly at zlib level 9
 *    (WebP, GIF, AVIF and TIFF inputs have no second try) — and the smaller is taken if it is
 *    smaller than the input;
 * 3. otherwise, if the input needs no change — inside the box, orientation 1 or none, no
 *    EXIF/XMP/IPTC/text or ICC profile, sRGB or greyscale, and JPEG, PNG, WebP or GIF — the
 *    input bytes are returned unchanged with `isOriginal: true`;
 * 4. otherwise the smallest encode is returned even though it is not smaller: the change it
 *    makes (rotation, stripping, resizing, a format browsers show) is required.
 *
 * Errors are `IngestError`s: over the pixel limit and refused formats as in `probeImage`;
 * anything else is `internal_error` (retryable), because `probeImage` already proved this
 * input decodes.
 */
export async function optimizeImage(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  limits: ImagingLimits,
): Promise<OptimizedImage> {
  // libvips has no HEVC decoder: HEIC continues as a lossless, upright PNG (profile kept).
  if (info.format === 'heic') input = await decodeHeif(input);
  const copyright = policy.keepCopyright ? info.copyright : {};
  if (info.isAnimated && (policy.format === 'auto' || policy.format === 'webp')) {
    return optimizeAnimation(input, info, policy, limits, copyright);
  }
  const gamut: Gamut = policy.wideGamut && info.isWideGamut ? 'p3' : 'srgb';
  const rendered = await renderPixels(input, policy, limits, gamut);
  const analysis = analysePixels(rendered);
  const pixels = analysis.isOpaque ? withoutAlpha(rendered) : rendered;
  const source = pipelineSource(input, policy, limits, gamut, pixels);

  const candidates = planEncoding(policy, analysis);
  const specs: EncodeSpec[] = [];
  for (const candidate of candidates) specs.push(await completeSpec(candidate, pixels, policy, copyright));
  const encoded = await Promise.all(specs.map((spec) => encode(source(), spec)));
  let bestIndex = 0;
  encoded.forEach((out, index) => {
    if (out.bytes < encoded[bestIndex]!.bytes) bestIndex = index;
  });
  const spec = specs[bestIndex]!;
  const main = await neverLarger(input, info, policy, encoded[bestIndex]!, spec, source);

  const variants: EncodedImage[] = [];
  for (const width of variantWidthsFor(policy.variantWidths, main.width)) variants.push(await encode(source(width), spec));
  return {
    ...main,
    ...(main.isOriginal || spec.mode !== 'lossy' ? {} : { quality: spec.quality }),
    contentClass: analysis.isGraphic ? 'graphic' : 'photo',
    variants,
    ...(policy.placeholder ? { placeholder: await makePlaceholder(pixels), dominantColor: analysis.dominantColor } : {}),
  };
}

type PipelineSource = (width?: number) => Sharp;

/**
 * sRGB outputs re-read the rendered pixels (no second decode). P3 outputs decode again from
 * the input: sharp cannot attach a profile to raw pixels without converting them as if they
 * were sRGB, so wide-gamut outputs pay one decode per output.
 */
function pipelineSource(
  input: ImageInput,
  policy: OptimizePolicy,
  limits: ImagingLimits,
  gamut: Gamut,
  pixels: Pixels,
): PipelineSource {
  if (gamut === 'p3') {
    return (width) =>
      openImage(input, limits, false)
        .rotate()
        .resize({
          width: width ?? policy.maxWidth,
          height: width ? undefined : policy.maxHeight,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .withIccProfile('p3');
  }
  return (width) => (width ? fromPixels(pixels).resize({ width }) : fromPixels(pixels));
}

async function completeSpec(
  candidate: EncodeCandidate,
  pixels: Pixels,
  policy: OptimizePolicy,
  copyright: ImageInfo['copyright'],
): Promise<EncodeSpec> {
  const spec: EncodeSpec = { ...candidate, quality: 100, progressive: policy.progressive, animated: false, copyright };
  if (candidate.format === 'png' && candidate.mode === 'lossless' && (await isVisuallyLosslessPalette(pixels))) {
    return { ...spec, mode: 'lossy', quality: 90 };
  }
  if (candidate.mode !== 'lossy') return spec;
  if (policy.quality !== 'auto') return { ...spec, quality: policy.quality };
  const found = await findAutoQuality(pixels, {
    target: policy.ssimTarget,
    floor: policy.minQuality,
    encode: (image, quality) => applyEncoder(image, { ...spec, quality, copyright: {} }),
  });
  return { ...spec, quality: found.quality };
}

async function encode(image: Sharp, spec: EncodeSpec): Promise<EncodedImage> {
  try {
    const { data, info } = await applyEncoder(image, spec).toBuffer({ resolveWithObject: true });
    return {
      data,
      format: spec.format,
      contentType: imageContentType(spec.format),
      width: info.width,
      height: info.pageHeight ?? info.height,
      bytes: data.length,
    };
  } catch (err) {
    throw toImagingError(err, `optimizing to ${spec.format}`, 'internal_error');
  }
}

async function neverLarger(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  primary: EncodedImage,
  spec: EncodeSpec,
  source: PipelineSource,
): Promise<EncodedImage & { isOriginal: boolean }> {
  if (primary.bytes < info.bytes) return { ...primary, isOriginal: false };
  const retry = sameFormatSpec(info.format, spec);
  const candidates = retry ? [primary, await encode(source(), retry)] : [primary];
  const best = candidates.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  if (best.bytes < info.bytes) return { ...best, isOriginal: false };
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
  return { ...best, isOriginal: false };
}

function sameFormatSpec(format: ImageFormat, spec: EncodeSpec): EncodeSpec | undefined {
  switch (format) {
    case 'jpeg':
      return { ...spec, format: 'jpeg', mode: 'lossy', quality: spec.mode === 'lossy' ? spec.quality : 80, progressive: true };
    case 'png':
      return { ...spec, format: 'png', mode: 'lossless' };
    default:
      return undefined;
  }
}

async function optimizeAnimation(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  limits: ImagingLimits,
  copyright: ImageInfo['copyright'],
): Promise<OptimizedImage> {
  const quality = policy.quality === 'auto' ? Math.max(ANIMATION_AUTO_QUALITY, policy.minQuality) : policy.quality;
  const spec: EncodeSpec = {
    format: 'webp',
    mode: 'lossy',
    quality,
    fullChroma: false,
    progressive: false,
    animated: true,
    copyright,
  };
  const frames = openImage(input, limits, true)
    .resize({ width: policy.maxWidth, height: policy.maxHeight, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb');
  const main = await neverLarger(input, info, policy, await encode(frames, spec), spec, () => frames.clone());
  const firstFrame = policy.placeholder ? await renderPixels(input, { maxWidth: 64, maxHeight: 64 }, limits, 'srgb') : undefined;
  return {
    ...main,
    ...(main.isOriginal ? {} : { quality }),
    contentClass: 'animation',
    variants: [],
    ...(firstFrame
      ? { placeholder: await makePlaceholder(firstFrame), dominantColor: analysePixels(firstFrame).dominantColor }
      : {}),
  };
}

async function readOriginal(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new IngestError('internal_error', 'image input could not be read', { cause: err });
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
