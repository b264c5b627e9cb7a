import { Transform, type TransformCallback } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';

/** Passes bytes through and counts them; fails with `payload_too_large` past `maxBytes`. */
export class ByteLimit extends Transform {
  bytes = 0;

  constructor(
    private readonly maxBytes: number,
    /** The refusal's message (default: the size a signed URL allows). */
    private readonly message = `the upload is larger than the ${maxBytes} bytes it was signed for`,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new IngestError('payload_too_large', this.message, { details: { maxBytes: this.maxBytes } }));
      return;
    }
    callback(null, chunk);
  }
}
