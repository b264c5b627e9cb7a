import { readFile } from 'node:fs/promises';
import { IngestError, type ImageFormat } from '@ingestkit/contracts';
import type { Sharp } from 'sharp';
import { imageContentType } from './content-type';
import { encodeImage, type EncodedImage } from './encode-image';
import type { EncodeSpec } from './encoders';
import type { ImageInput } from './open-image';
import type { OptimizePolicy } from './policy';
import type { ImageInfo } from './probe';

/** Makes the pipeline of the main output (no width) or of a variant `width` px wide. */
export type PipelineSource = (width?: number) => Sharp;

/**
 * Applies `optimizeImage`'s never-larger rule (documented there) to the primary encode:
 * a same-format retry, the original unchanged, or the smallest encode when a change is required.
 */
export async function neverLarger(
  input: ImageInput,
  info: ImageInfo,
  policy: OptimizePolicy,
  primary: EncodedImage,
  spec: EncodeSpec,
  source: PipelineSource,
): Promise<EncodedImage & { isOriginal: boolean }> {
  if (primary.bytes < info.bytes) return { ...primary, isOriginal: false };
  const retry = sameFormatSpec(info.format, spec);
  const candidates = retry ? [primary, await encodeImage(source(), retry)] : [primary];
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
