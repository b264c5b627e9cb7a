import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { IngestError } from '@ingestkit/contracts';
import { toS3StoreError } from './s3-errors';

/**
 * Opens an object of any bucket the client can read, for server-side jobs whose source is an
 * S3 object. Unlike the store's `get`, the key is taken as is (any S3 key, not only the keys
 * ingestkit writes). `not_found` when there is no such object; SDK errors as in `toS3StoreError`.
 */
export async function openS3Object(
  client: S3Client,
  source: { bucket: string; key: string },
): Promise<{ body: Readable; bytes?: number; contentType?: string }> {
  const res = await client.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key })).catch((err: unknown) => {
    throw toS3StoreError(err, { operation: 'get', bucket: source.bucket, key: source.key });
  });
  if (!(res.Body instanceof Readable)) {
    throw new IngestError('storage_error', `s3 get ${source.bucket}/${source.key} returned no readable body`);
  }
  return {
    body: res.Body,
    ...(res.ContentLength === undefined ? {} : { bytes: res.ContentLength }),
    ...(res.ContentType ? { contentType: res.ContentType } : {}),
  };
}
