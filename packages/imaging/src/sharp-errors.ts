import { IngestError, isIngestError, type ErrorCode } from '@ingestkit/contracts';

/**
 * Turns an error thrown by sharp/libvips into an `IngestError`; `IngestError`s pass through.
 * sharp reports everything as a plain `Error` whose message comes from libvips, so this
 * classifies by message:
 *
 * - "Input image exceeds pixel limit" → `pixel_limit_exceeded`
 * - "unsupported image format" (also what a blocked loader looks like) or "is blocked" →
 *   `unsupported_media_type`
 * - anything else → `fallback`: `corrupt_image` (the default) where sharp is reading untrusted
 *   input for the first time (truncated data, bad markers, libpng/libjpeg errors, "corrupt
 *   header"); a retryable code where the input is already known to decode, so a failure is
 *   more likely memory, an encoder or a changed file than a bad image.
 *
 * @param err what sharp threw
 * @param context a short phrase for the message, e.g. "reading the header"
 * @param fallback the code for errors that are neither of the first two kinds
 */
export function toImagingError(err: unknown, context: string, fallback: ErrorCode = 'corrupt_image'): IngestError {
  if (err instanceof IngestError) return err;
  if (isIngestError(err)) return new IngestError(err.code, err.message, { details: err.details, cause: err });
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.split('\n')[0] ?? message;
  if (/exceeds pixel limit/i.test(message)) {
    return new IngestError('pixel_limit_exceeded', `image exceeds the pixel limit (${context})`, { cause: err });
  }
  if (/unsupported image format|is blocked/i.test(message)) {
    return new IngestError('unsupported_media_type', `image format is not accepted (${context})`, { cause: err });
  }
  const summary = fallback === 'corrupt_image' ? 'image could not be decoded' : 'image processing failed';
  return new IngestError(fallback, `${summary} (${context}): ${reason}`, { cause: err });
}
