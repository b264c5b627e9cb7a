import type { Readable } from 'node:stream';
import { IngestError, toIngestError } from '@ingestkit/contracts';
import { openS3Object, type S3Client } from '@ingestkit/storage';

/**
 * Opens a job's `{bucket, key}` source: only buckets in `SOURCE_BUCKETS` (the gateway checks
 * too; this is the worker's own guard), at most `maxBytes`. A missing object or bucket is
 * permanent (`source_failed`); other S3 failures are retried (`source_unreachable`).
 */
export async function fetchS3Object(
  deps: { client: S3Client; buckets: readonly string[]; maxBytes: number },
  source: { bucket: string; key: string },
): Promise<{ body: Readable; contentType?: string }> {
  if (!deps.buckets.includes(source.bucket)) {
    throw new IngestError('source_forbidden', `bucket ${source.bucket} is not an allowed source (SOURCE_BUCKETS)`);
  }
  const opened = await openS3Object(deps.client, source).catch((err: unknown) => {
    const error = toIngestError(err);
    if (error.code === 'not_found') throw new IngestError('source_failed', error.message, { details: error.details, cause: err });
    throw new IngestError('source_unreachable', error.message, { details: error.details, cause: err });
  });
  if (opened.bytes !== undefined && opened.bytes > deps.maxBytes) {
    opened.body.destroy();
    throw new IngestError('source_too_large', `the source has ${opened.bytes} bytes, more than ${deps.maxBytes}`, {
      details: { maxBytes: deps.maxBytes },
    });
  }
  return { body: opened.body, ...(opened.contentType ? { contentType: opened.contentType } : {}) };
}
