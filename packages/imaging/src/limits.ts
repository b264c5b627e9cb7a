import type { ImageFormat } from '@ingestkit/contracts';

/**
 * The resource limits every input is checked against before and while sharp decodes it.
 * Services build this from their config (`MAX_UPLOAD_BYTES`, `MAX_INPUT_PIXELS`,
 * `MAX_INPUT_FRAMES`, `MAX_PROGRESSIVE_PIXELS`, `MAX_METADATA_BYTES`,
 * `ALLOWED_INPUT_FORMATS`) and pass it to `probeImage` and `optimizeImage`; nothing here reads
 * the environment. Each limit has its own error code.
 */
export interface ImagingLimits {
  /**
   * Largest input accepted, in bytes. Checked from `stat`/`Buffer.length` before any byte
   * reaches sharp; larger inputs fail with `payload_too_large`.
   */
  readonly maxInputBytes: number;
  /**
   * Largest decoded area accepted, in pixels: width × height, times the frame count for
   * animations (all frames are decoded). Checked against the header before decoding, and
   * given to sharp as `limitInputPixels` on every decoding instance; larger inputs fail with
   * `pixel_limit_exceeded`. 50 MP decodes to 150–200 MB of RGB(A) pixels.
   */
  readonly maxInputPixels: number;
  /** Most frames an animation may have (`frame_limit_exceeded`), whatever their size. Default 250. */
  readonly maxInputFrames?: number;
  /**
   * Pixel limit for progressive JPEGs (`pixel_limit_exceeded`): libjpeg holds every DCT
   * coefficient of a multi-scan image at once instead of streaming rows, about 2 bytes per
   * pixel per component on top of the output. Default 25 MP.
   */
  readonly maxProgressivePixels?: number;
  /**
   * Bytes of JPEG APPn/COM segments (EXIF, XMP, ICC, Photoshop, comments) accepted; above it,
   * `metadata_too_large`. Below it, the metadata is read from the header and stripped on
   * output. Default 1 MiB.
   */
  readonly maxMetadataBytes?: number;
  /** Input formats accepted by content (`unsupported_media_type` otherwise). Default: all seven. */
  readonly allowedFormats?: readonly ImageFormat[];
}

/**
 * Defaults matching the runtime config defaults: 512 MiB (`MAX_UPLOAD_BYTES`, so large TIFF
 * exports fit), 50 000 000 pixels (`MAX_INPUT_PIXELS`, well above a 45 MP camera sensor),
 * 250 frames, 25 MP for progressive JPEGs, 1 MiB of JPEG metadata, every format (HEIC included).
 */
export const defaultImagingLimits = Object.freeze({
  maxInputBytes: 512 * 1024 * 1024,
  maxInputPixels: 50_000_000,
  maxInputFrames: 250,
  maxProgressivePixels: 25_000_000,
  maxMetadataBytes: 1024 * 1024,
  allowedFormats: Object.freeze(['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff', 'heic'] as const),
}) satisfies Required<ImagingLimits>;
