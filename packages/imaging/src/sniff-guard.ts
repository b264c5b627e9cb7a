import { Transform, type TransformCallback } from 'node:stream';
import { IngestError, type ImageFormat } from '@ingestkit/contracts';
import { SNIFF_BYTES, sniffImageFormat } from './sniff';

/**
 * Passes bytes through unchanged, but fails the stream with `unsupported_media_type` as soon
 * as the first bytes show the upload is not an image of an allowed format (or it is empty), so
 * a PDF is refused with 415 before it is stored, whatever its name or declared type says.
 */
export class SniffGuard extends Transform {
  format: ImageFormat | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.format !== undefined) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) {
      callback();
      return;
    }
    this.release(callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.format !== undefined) {
      callback();
      return;
    }
    this.release(callback);
  }

  private release(callback: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    const format = sniffImageFormat(head);
    if (format === null) {
      const reason = head.length === 0 ? 'the file is empty' : 'the content is not an image of an accepted format';
      callback(new IngestError('unsupported_media_type', `${reason} (accepted: JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC)`));
      return;
    }
    this.format = format;
    callback(null, head);
  }
}
