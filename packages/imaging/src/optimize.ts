import { analysePixels } from './analyse';
import { decodeHeif } from './heif/heif-input';
import { findAutoQuality } from './auto-quality';
import { encodeImage, type EncodedImage } from './encode-image';
import { applyEncoder, type EncodeSpec } from './encoders';
import { planEncoding, type ContentClass, type EncodeCandidate } from './encoding-plan';
import type { ImagingLimits } from './limits';
import { neverLarger, type PipelineSource } from './never-larger';
import { openImage, type ImageInput } from './open-image';
import { profiled, type OptimizeProfile } from './optimize-profile';
import { isVisuallyLosslessPalette } from './palette-check';
import { makePlaceholder } from './placeholder';
import { fromPixels, withoutAlpha, type Pixels } from './pixels';
import type { OptimizePolicy } from './policy';
import type { ImageInfo } from './probe';
import { renderPixels, type Gamut } from './render';
import { resizeVariants, variantWidthsFor } from './variants';

export type { EncodedImage } from './encode-image';

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
 * says, at the policy's quality or the `auto` quality (`findAutoQuality`) → variants from the
 * same pixels, resized in a chain (`resizeVariants`) and encoded with the main output's spec
 * (AVIF at lower effort: `fast` in `EncodeSpec`) → placeholder from the narrowest variant. Metadata is stripped (copyright
 * kept when the policy says so); sRGB outputs carry no profile, P3 outputs the P3 profile.
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
 *
 * @param profile when given, the CPU time of each step is added to it (see `OptimizeProfile`)
 */
export async function optimizeImage(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  limits: ImagingLimits,
  profile?: OptimizeProfile,
): Promise<OptimizedImage> {
  // libvips has no HEVC decoder: HEIC continues as a lossless, upright PNG (profile kept).
  if (info.format === 'heic') input = await decodeHeif(input);
  const copyright = policy.keepCopyright ? info.copyright : {};
  if (info.isAnimated && (policy.format === 'auto' || policy.format === 'webp')) {
    return optimizeAnimation(input, info, policy, limits, copyright);
  }
  const gamut: Gamut = policy.wideGamut && info.isWideGamut ? 'p3' : 'srgb';
  const rendered = await profiled(profile, 'decode', () => renderPixels(input, policy, limits, gamut));
  const analysis = await profiled(profile, 'analysis', () => analysePixels(rendered));
  const pixels = analysis.isOpaque ? withoutAlpha(rendered) : rendered;
  const source = pipelineSource(input, policy, limits, gamut, pixels);

  const candidates = planEncoding(policy, analysis);
  const specs: EncodeSpec[] = [];
  for (const candidate of candidates) {
    specs.push(await profiled(profile, 'search', () => completeSpec(candidate, pixels, policy, copyright)));
  }
  const { main, spec } = await profiled(profile, 'mainEncode', async () => {
    const encoded = await Promise.all(specs.map((candidate) => encodeImage(source(), candidate)));
    let best = 0;
    encoded.forEach((out, index) => {
      if (out.bytes < encoded[best]!.bytes) best = index;
    });
    return { main: await neverLarger(input, info, policy, encoded[best]!, specs[best]!, source), spec: specs[best]! };
  });

  const widths = variantWidthsFor(policy.variantWidths, main.width);
  // sRGB variants come from the rendered pixels in a chain; P3 ones each decode the input (see pipelineSource)
  const resized = await profiled(profile, 'variants', () => (gamut === 'srgb' ? resizeVariants(pixels, widths) : []));
  const variants: EncodedImage[] = [];
  for (const [index, width] of widths.entries()) {
    const image = resized[index] ? fromPixels(resized[index]) : source(width);
    variants.push(await profiled(profile, 'variants', () => encodeImage(image, { ...spec, fast: true })));
  }
  // the narrowest variant is plenty for a 24 px placeholder, and far cheaper to shrink
  const placeholder = policy.placeholder
    ? await profiled(profile, 'placeholder', () => makePlaceholder(resized[0] ?? pixels))
    : undefined;
  return {
    ...main,
    ...(main.isOriginal || spec.mode !== 'lossy' ? {} : { quality: spec.quality }),
    contentClass: analysis.isGraphic ? 'graphic' : 'photo',
    variants,
    ...(placeholder === undefined ? {} : { placeholder, dominantColor: analysis.dominantColor }),
  };
}

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
  const main = await neverLarger(input, info, policy, await encodeImage(frames, spec), spec, () => frames.clone());
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
