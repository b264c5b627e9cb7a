import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { IngestError } from '@ingestkit/contracts';
import { validateKey } from './keys';
import { checkPartList, type MultipartUploadRef, type MultipartUploads, type UploadedPart } from './multipart-uploads';
import { signRelayedPart, type PartRelay, type RelayedPartUploads } from './relayed-parts';
import { toS3StoreError } from './s3-errors';

/**
 * S3 multipart uploads into one bucket: parts go straight to presigned `UploadPart` URLs, the
 * rest is SDK calls. `NoSuchUpload` (404) becomes `not_found`. S3 itself ties an upload id to
 * its key, so a mismatched key is refused by S3.
 *
 * What S3 can and cannot bound: a presigned UploadPart URL cannot stream-limit or carry a size
 * range (only POST policies have `content-length-range`, and UploadPart has no POST form). When
 * the client declared the part's size (`bytes`), `Content-Length` is signed into the URL, so S3
 * refuses any other length (`SignatureDoesNotMatch`); the caller checks declared sizes against
 * the upload's remaining cap before signing. An undeclared part would be bounded only by S3's
 * own 5 GiB part limit, so with `relay` its URL is the gateway's own (see relayed-parts.ts): the
 * gateway meters the bytes against the caps while they stream and sends them on with
 * `putPart`. Without `relay` (tools that sign parts for trusted callers only) undeclared parts
 * get a plain presigned URL; the caller checks the listed parts' total before
 * CompleteMultipartUpload (`listParts`) and the completed object after.
 */
export function createS3MultipartUploads(options: { client: S3Client; bucket: string; relay: PartRelay }): RelayedPartUploads;
export function createS3MultipartUploads(options: { client: S3Client; bucket: string; relay?: PartRelay }): MultipartUploads;
export function createS3MultipartUploads(options: {
  client: S3Client;
  bucket: string;
  relay?: PartRelay;
}): MultipartUploads | RelayedPartUploads {
  const { client, bucket, relay } = options;
  const wrap = async <T>(operation: string, ref: { key: string }, run: () => Promise<T>): Promise<T> => {
    validateKey(ref.key);
    try {
      return await run();
    } catch (err) {
      const error = toS3StoreError(err, { operation, bucket, key: ref.key });
      if (error.code === 'not_found') {
        throw new IngestError('not_found', `no multipart upload with this id for key ${ref.key}`, {
          details: error.details,
          cause: err,
        });
      }
      throw error;
    }
  };
  /** A relayed part, sent on as UploadPart: S3 needs its length before the first byte. */
  const putPart = (input: Parameters<RelayedPartUploads['putPart']>[0]) => {
    if (input.bytes === undefined) {
      input.body.resume();
      return Promise.reject(
        new IngestError('length_required', 'a part relayed to S3 needs a Content-Length (S3 takes none without it)'),
      );
    }
    const bytes = input.bytes;
    return wrap('put-part', input, async () => {
      const out = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          Body: input.body,
          ContentLength: bytes,
        }),
      );
      if (!out.ETag) throw new IngestError('storage_error', 's3 answered no ETag for the part');
      return { etag: out.ETag, bytes };
    });
  };
  return {
    create: (input) =>
      wrap('create-multipart', input, async () => {
        const out = await client.send(
          new CreateMultipartUploadCommand({ Bucket: bucket, Key: input.key, ContentType: input.contentType }),
        );
        if (!out.UploadId) throw new IngestError('storage_error', 's3 answered no UploadId');
        return { key: input.key, uploadId: out.UploadId };
      }),
    signPart: (input) =>
      wrap('sign-part', input, async () => {
        if (input.bytes === undefined && relay) return signRelayedPart(relay, input);
        const command = new UploadPartCommand({
          Bucket: bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          ...(input.bytes === undefined ? {} : { ContentLength: Math.min(input.bytes, input.maxBytes) }),
        });
        const url = await getSignedUrl(client, command, {
          expiresIn: input.expiresInSeconds,
          ...(input.bytes === undefined ? {} : { signableHeaders: new Set(['content-length']) }),
        });
        return { url, expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000) };
      }),
    listParts: (input) => wrap('list-parts', input, () => listAllParts(client, bucket, input)),
    ...(relay ? { putPart: (input: Parameters<RelayedPartUploads['putPart']>[0]) => putPart(input) } : {}),
    complete: (input) =>
      wrap('complete-multipart', input, async () => {
        checkPartList(input.parts);
        await client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: input.key,
            UploadId: input.uploadId,
            MultipartUpload: { Parts: input.parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
          }),
        );
      }),
    abort: (input) =>
      wrap('abort-multipart', input, async () => {
        try {
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: input.key, UploadId: input.uploadId }));
        } catch (err) {
          if (toS3StoreError(err, { operation: 'abort-multipart', bucket }).code !== 'not_found') throw err;
        }
      }),
  };
}

async function listAllParts(client: S3Client, bucket: string, ref: MultipartUploadRef): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListPartsCommand({ Bucket: bucket, Key: ref.key, UploadId: ref.uploadId, PartNumberMarker: marker }),
    );
    for (const part of page.Parts ?? []) {
      parts.push({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? '', bytes: part.Size ?? 0 });
    }
    if (!page.IsTruncated || !page.NextPartNumberMarker) return parts;
    marker = page.NextPartNumberMarker;
  }
}
