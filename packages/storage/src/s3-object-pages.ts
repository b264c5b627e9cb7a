import { ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { toS3StoreError } from './s3-errors';

/** One object of a listing page: its key, ETag (quotes removed) and size. */
export interface ListedObject {
  key: string;
  etag: string;
  bytes: number;
}

/**
 * One page (up to `maxKeys`, default S3's 1000) of the objects under a prefix in any bucket the
 * client can read (bucket imports), in key order, starting after the key `after`. Pass the
 * page's `nextAfter` back for the next page; it is absent on the last. "Folder" markers (keys
 * ending in `/`) are left out. SDK errors as in `toS3StoreError`.
 *
 * Decided: ListObjects (v1) with a marker rather than v2's continuation token. The marker is the
 * last key seen, plain and valid for ever (a v2 token is opaque to us), and s3rver, the test S3
 * server, cannot make v2 tokens under OpenSSL 3 (it encrypts them with DES).
 */
export async function listS3ObjectsPage(
  client: S3Client,
  input: { bucket: string; prefix: string; after?: string; maxKeys?: number },
): Promise<{ objects: ListedObject[]; nextAfter?: string }> {
  const res = await client
    .send(
      new ListObjectsCommand({
        Bucket: input.bucket,
        Prefix: input.prefix || undefined,
        Marker: input.after,
        MaxKeys: input.maxKeys ?? 1000,
      }),
    )
    .catch((err: unknown) => {
      throw toS3StoreError(err, { operation: 'list', bucket: input.bucket, key: input.prefix });
    });
  const contents = res.Contents ?? [];
  const objects = contents
    .filter((object) => object.Key && !object.Key.endsWith('/'))
    .map((object) => ({ key: object.Key!, etag: (object.ETag ?? '').replace(/"/g, ''), bytes: object.Size ?? 0 }));
  const last = contents.at(-1)?.Key;
  return { objects, ...(res.IsTruncated && last ? { nextAfter: last } : {}) };
}
