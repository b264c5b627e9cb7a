import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestError } from '@ingestkit/contracts';
import { type ByteRange, formatRangeHeader, validateByteRange } from './byte-range';
import { validateKey, validatePrefix } from './keys';
import type { ObjectInfo, ObjectStore, PutObjectInput } from './object-store';
import { failPutBody } from './put-body';
import { normalizeS3Body } from './s3-body-stream';
import { isS3NotFound, toS3StoreError } from './s3-errors';

/** Options of {@link createS3Store}. */
export interface S3StoreOptions {
  /** A client from `createS3Client` (shared: the store does not destroy it). */
  client: S3Client;
  bucket: string;
  /** Written as `x-amz-storage-class` on every put (e.g. `STANDARD_IA` for originals); omit for the bucket's default. */
  storageClass?: S3StorageClass;
}

/** The storage classes a store may write with: those S3 serves a GET from without a restore. */
export type S3StorageClass = 'STANDARD' | 'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR';

/** Part size of streaming uploads: bodies below it go up as one PutObject. */
export const S3_PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per upload, so one upload holds at most ~32 MiB of a body in memory. */
export const S3_QUEUE_SIZE = 4;

/**
 * An {@link ObjectStore} over one S3 bucket (AWS, MinIO, s3rver).
 *
 * `put` streams through `@aws-sdk/lib-storage` and never holds a whole body: a body under
 * {@link S3_PART_SIZE} is one PutObject, a larger one a multipart upload that is completed only
 * after the body ended, and aborted if the body fails — so S3 never exposes a partial object.
 * (Parts left behind when the abort itself fails are removed by the bucket's
 * `AbortIncompleteMultipartUpload` lifecycle rule.) SDK errors become `IngestError`s here, see
 * `toS3StoreError`; the client (`createS3Client`) has already retried throttling, 5xx and
 * dropped connections. `head` cannot tell a missing object from a missing bucket (both are a
 * bare 404); `ping` can.
 *
 * Integrity: every put sends a SHA-256 checksum (`x-amz-checksum-sha256`, per part for
 * multipart uploads), which S3 and MinIO verify before storing (`BadDigest` otherwise), and
 * every get asks for the stored checksum (`ChecksumMode: 'ENABLED'`): when the store returns a
 * whole-object checksum the SDK checks the body against it as it streams, and a mismatch
 * errors the stream (`storage_error`). Multipart objects carry per-part (composite) checksums,
 * which the SDK cannot check on a get, and ranged gets carry none. s3rver (the tests' fallback
 * server) neither verifies nor returns checksums; the tests prove the SDK side through a
 * fault-injecting proxy instead.
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const { client, bucket } = options;
  const fail = (operation: string, key?: string) => (err: unknown) => {
    throw toS3StoreError(err, { operation, bucket, key });
  };

  async function listPage(prefix: string, token?: string) {
    const page = await client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }))
      .catch(fail('list', prefix));
    const objects: ObjectInfo[] = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined ? [] : [{ key: o.Key, bytes: o.Size ?? 0, lastModified: o.LastModified }],
    );
    return { objects, next: page.IsTruncated ? page.NextContinuationToken : undefined };
  }

  const store: ObjectStore = {
    kind: 's3',

    async put({ key, body, contentType, cacheControl }: PutObjectInput) {
      let bytes = Buffer.isBuffer(body) ? body.length : 0;
      let counter: Transform | undefined;
      try {
        validateKey(key);
        if (!Buffer.isBuffer(body)) {
          counter = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              bytes += chunk.length;
              done(null, chunk);
            },
          });
        }
        const upload = new Upload({
          client,
          params: {
            Bucket: bucket,
            Key: key,
            Body: counter ?? body,
            ContentType: contentType,
            CacheControl: cacheControl,
            ...(options.storageClass ? { StorageClass: options.storageClass } : {}),
            ChecksumAlgorithm: 'SHA256',
          },
          partSize: S3_PART_SIZE,
          queueSize: S3_QUEUE_SIZE,
          leavePartsOnError: false,
        });
        if (counter && !Buffer.isBuffer(body)) {
          // A failing body errors `counter`, which fails the upload; abort too, so no
          // multipart upload is ever completed from a truncated body.
          pipeline(body, counter).catch(() => upload.abort().catch(() => undefined));
        }
        await upload.done();
        return { bytes };
      } catch (err) {
        // The body's own error (or premature close) explains the failure better than the SDK's.
        const cause: unknown = counter?.errored ?? err;
        const error = toS3StoreError(cause, { operation: 'put', bucket, key });
        counter?.destroy();
        if (!Buffer.isBuffer(body)) failPutBody(body, error);
        throw error;
      }
    },

    async get(key: string, range?: ByteRange) {
      validateKey(key);
      if (range) validateByteRange(range);
      const res = await client
        .send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: range && formatRangeHeader(range), ChecksumMode: 'ENABLED' }),
        )
        .catch(fail('get', key));
      const body = res.Body;
      if (body instanceof Readable) return normalizeS3Body(body, { operation: 'get', bucket, key });
      throw new IngestError('storage_error', `s3 get ${bucket}/${key} returned no readable body`);
    },

    async head(key: string) {
      validateKey(key);
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { key, bytes: res.ContentLength ?? 0, contentType: res.ContentType, lastModified: res.LastModified };
      } catch (err) {
        if (isS3NotFound(err)) return null;
        throw toS3StoreError(err, { operation: 'head', bucket, key });
      }
    },

    async delete(key: string) {
      validateKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(fail('delete', key));
    },

    async deletePrefix(prefix: string) {
      if (validatePrefix(prefix) === '') {
        throw new IngestError('bad_request', 'deletePrefix needs a non-empty prefix');
      }
      let deleted = 0;
      let token: string | undefined;
      do {
        const page = await listPage(prefix, token);
        if (page.objects.length > 0) {
          const res = await client
            .send(
              new DeleteObjectsCommand({
                Bucket: bucket,
                Delete: { Objects: page.objects.map(({ key }) => ({ Key: key })), Quiet: true },
              }),
            )
            .catch(fail('deletePrefix', prefix));
          const errors = res.Errors ?? [];
          if (errors.length > 0) {
            throw new IngestError('storage_error', `s3 deletePrefix ${bucket}/${prefix}: ${errors.length} objects not deleted`, {
              details: { bucket, prefix, errors: errors.slice(0, 10).map((e) => ({ key: e.Key, code: e.Code })) },
            });
          }
          deleted += page.objects.length;
        }
        token = page.next;
      } while (token);
      return deleted;
    },

    async list(prefix: string) {
      validatePrefix(prefix);
      const all: ObjectInfo[] = [];
      let token: string | undefined;
      do {
        const page = await listPage(prefix, token);
        all.push(...page.objects);
        token = page.next;
      } while (token);
      return all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    localPath(key: string) {
      validateKey(key);
      return undefined;
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket })).catch((err: unknown) => {
        throw new IngestError('storage_error', `s3 bucket ${bucket} does not answer`, {
          details: { bucket },
          cause: err,
        });
      });
    },
  };
  return store;
}
