import { Transform, type TransformCallback } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';
import type { PartBudget } from './part-budget';

/**
 * Passes a part's bytes through only once they are reserved in the upload's budget: what was
 * reserved up front (the declared `Content-Length`), else each chunk before it is passed on.
 * Fails with `payload_too_large` past the part URL's signed cap or when the upload's cap has no
 * room left, before the chunk that would cross it reaches the store. `reserved` is what the
 * caller must commit or release once the store has answered.
 */
export class PartMeter extends Transform {
  bytes = 0;

  constructor(
    private readonly budget: PartBudget,
    private readonly limits: { assetId: string; uploadCap: number; partCap: number },
    public reserved: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.partCap) {
      callback(this.tooLarge(`the part is larger than the ${this.limits.partCap} bytes it was signed for`, this.limits.partCap));
      return;
    }
    if (this.bytes <= this.reserved) {
      callback(null, chunk);
      return;
    }
    const more = this.bytes - this.reserved;
    this.budget.reserve(this.limits.assetId, more, this.limits.uploadCap).then(
      (granted) => {
        if (!granted) {
          callback(this.tooLarge(`the upload would exceed its limit of ${this.limits.uploadCap} bytes`, this.limits.uploadCap));
          return;
        }
        this.reserved += more;
        callback(null, chunk);
      },
      (err: unknown) => callback(err as Error),
    );
  }

  private tooLarge(message: string, maxBytes: number): IngestError {
    return new IngestError('payload_too_large', message, { details: { maxBytes } });
  }
}
