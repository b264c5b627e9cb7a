import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { IngestError } from '@ingestkit/contracts';
import { validateKey } from './keys';

/** Signs short-lived GETs of one object each: whoever holds the URL reads that object until it expires. */
export type SignGetUrl = (key: string, options: { expiresInSeconds: number }) => Promise<string>;

/**
 * Presigned GETs of objects in one S3 bucket (SigV4 query signature, so the URL needs no other
 * header). Signing is local: it needs credentials, no request to S3.
 */
export function createS3GetSigner(options: { client: S3Client; bucket: string }): SignGetUrl {
  const { client, bucket } = options;
  return async (key, { expiresInSeconds }) => {
    validateKey(key);
    try {
      return await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
    } catch (err) {
      throw new IngestError('storage_error', `could not sign a GET of s3 ${bucket}/${key}`, { details: { bucket }, cause: err });
    }
  };
}
