import type { ObjectStoreConfig } from './create-object-store';
import type { DirectUploadSigner } from './direct-upload-signer';
import { createLocalUploadSigner } from './local-upload-signer';
import { createS3Client } from './s3-client';
import { createS3UploadSigner } from './s3-upload-signer';
import { s3BucketUrl } from './store-settings';

/**
 * The factory of the direct-upload port, for the staging store's config: S3 presigning for the
 * s3 driver, the gateway's own signed URLs (served at `localBaseUrl`) for the local one.
 */
export function createDirectUploadSigner(
  config: ObjectStoreConfig,
  local: { baseUrl: string | (() => string); secret: string },
): DirectUploadSigner {
  if (config.driver === 'local') return createLocalUploadSigner(local);
  const client = createS3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
  });
  return createS3UploadSigner({
    client,
    bucket: config.bucket,
    bucketUrl: s3BucketUrl(
      { S3_ENDPOINT: config.endpoint, S3_FORCE_PATH_STYLE: config.forcePathStyle ?? false, S3_REGION: config.region },
      config.bucket,
    ),
  });
}
