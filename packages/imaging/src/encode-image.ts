import type { ImageFormat } from '@ingestkit/contracts';
import type { Sharp } from 'sharp';
import { imageContentType } from './content-type';
import { applyEncoder, type EncodeSpec } from './encoders';
import { toImagingError } from './sharp-errors';

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

/**
 * Runs a pipeline through the encoder `spec` describes. Errors are `internal_error`
 * (retryable): the input was validated before, so a failure here is not the image's fault.
 */
export async function encodeImage(image: Sharp, spec: EncodeSpec): Promise<EncodedImage> {
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
