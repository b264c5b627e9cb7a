import { PassThrough, type Readable } from 'node:stream';
import { type S3ErrorContext, toS3StoreError } from './s3-errors';

/**
 * The body of a GetObject as the store hands it out: the same bytes, but a failure while they
 * stream — the connection dropped mid-body (Node checks the length against `Content-Length`),
 * or the SDK's checksum validation found the bytes differ from the stored checksum — errors
 * the stream with an `IngestError` (`storage_error`, retryable) instead of a raw SDK or socket
 * error. Destroying the returned stream destroys the SDK's, which frees the connection.
 */
export function normalizeS3Body(body: Readable, context: S3ErrorContext): Readable {
  const out = new PassThrough({ highWaterMark: body.readableHighWaterMark });
  body.once('error', (err) => out.destroy(toS3StoreError(err, context)));
  out.once('close', () => body.destroy());
  body.pipe(out);
  return out;
}
