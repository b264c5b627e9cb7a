import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { IngestError } from '@ingestkit/contracts';
import type { DirectUploadRequest, DirectUploadSigner, SignedDirectUpload } from './direct-upload-signer';
import { validateKey } from './keys';
import { createS3PostPolicy } from './s3-post-policy';

/** Options of {@link createS3UploadSigner}. */
export interface S3UploadSignerOptions {
  client: S3Client;
  bucket: string;
  /** Where browsers POST forms: the bucket's URL (path-style `endpoint/bucket` or virtual-hosted). */
  bucketUrl: string;
}

/**
 * Signs direct uploads into one S3 bucket: a presigned PUT whose signature covers
 * `Content-Type` and `Content-Length` (the declared size), or a POST policy (see
 * `createS3PostPolicy`).
 */
export function createS3UploadSigner(options: S3UploadSignerOptions): DirectUploadSigner {
  const { client, bucket } = options;
  return {
    methods: ['PUT', 'POST'],
    async sign(request: DirectUploadRequest): Promise<SignedDirectUpload> {
      validateKey(request.key);
      const expiresAt = new Date(Date.now() + request.expiresInSeconds * 1000);
      try {
        if (request.method === 'PUT') {
          const command = new PutObjectCommand({
            Bucket: bucket,
            Key: request.key,
            ContentType: request.contentType,
            ContentLength: request.bytes,
          });
          const url = await getSignedUrl(client, command, {
            expiresIn: request.expiresInSeconds,
            signableHeaders: new Set(['content-type', 'content-length']),
          });
          return { method: 'PUT', url, headers: { 'Content-Type': request.contentType }, expiresAt };
        }
        const credentials = await client.config.credentials();
        const { url, fields } = createS3PostPolicy({
          bucketUrl: options.bucketUrl,
          bucket,
          key: request.key,
          contentType: request.contentType,
          maxBytes: request.maxBytes,
          region: await client.config.region(),
          credentials,
          expiresAt,
        });
        return { method: 'POST', url, fields, expiresAt };
      } catch (err) {
        throw new IngestError('storage_error', `could not sign an upload to s3 ${bucket}`, { details: { bucket }, cause: err });
      }
    },
  };
}
