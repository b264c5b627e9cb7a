import { Transform, type TransformCallback } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';

/** Passes bytes through and counts them; fails with `payload_too_large` past `maxBytes`. */
export class ByteLimit extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(
        new IngestError('payload_too_large', `the upload is larger than the ${this.maxBytes} bytes it was signed for`, {
          details: { maxBytes: this.maxBytes },
        }),
      );
      return;
    }
    callback(null, chunk);
  }
}
